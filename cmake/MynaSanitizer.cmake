# MYNA_SANITIZE=ON: AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer for
# every target, and in every executable the support of tests/sanitizer/: modules stay loaded
# until exit, and the LeakSanitizer suppressions of tests/sanitizer/lsan.supp are built in.
add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
add_link_options(-fsanitize=address,undefined)

set(supp_file ${PROJECT_SOURCE_DIR}/tests/sanitizer/lsan.supp)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${supp_file})
file(STRINGS ${supp_file} supp_lines REGEX "^leak:[^\"\\\\]+$")
string(JOIN "\\n" MYNA_LSAN_SUPPRESSIONS ${supp_lines})
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/sanitizer/lsan_suppressions.h
     CONTENT "#define MYNA_LSAN_SUPPRESSIONS \"@MYNA_LSAN_SUPPRESSIONS@\\n\"\n" @ONLY)

add_library(myna_sanitizer_support OBJECT ${PROJECT_SOURCE_DIR}/tests/sanitizer/keep_modules_loaded.c
            ${PROJECT_SOURCE_DIR}/tests/sanitizer/lsan_defaults.c)
target_include_directories(myna_sanitizer_support PRIVATE ${PROJECT_BINARY_DIR}/sanitizer)
# Only executables: a library that defined dlclose() would change every program that loads it.
# The symbols go into the dynamic symbol table so that they take precedence over libc's
# dlclose() and over the sanitizer runtime's weak hooks.
set(exe "$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>")
link_libraries("$<${exe}:$<TARGET_OBJECTS:myna_sanitizer_support>>")
foreach(sym dlclose __lsan_default_suppressions __lsan_default_options)
  add_link_options("$<${exe}:LINKER:--export-dynamic-symbol=${sym}>")
endforeach()
add_compile_definitions(MYNA_PLANTED_LEAKS)
