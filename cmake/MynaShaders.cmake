# myna_embed_shaders(OUT <generated.c> SHADERS <a.comp> ... [INCLUDES <x.glsl> ...])
# Compiles each GLSL compute shader to SPIR-V with glslc (MYNA_GLSLC) and writes OUT, a C
# source holding the binaries (cmake/embed_spirv.cmake). Rebuilt when a shader or include
# changes.
function(myna_embed_shaders)
  cmake_parse_arguments(E "" "OUT" "SHADERS;INCLUDES" ${ARGN})
  set(names "")
  set(spvs "")
  foreach(src ${E_SHADERS})
    get_filename_component(name ${src} NAME_WE)
    set(spv ${CMAKE_CURRENT_BINARY_DIR}/shaders/${name}.spv)
    add_custom_command(
      OUTPUT ${spv}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/shaders
      COMMAND ${MYNA_GLSLC} --target-env=vulkan1.0 -O -Werror -o ${spv} ${src}
      DEPENDS ${src} ${E_INCLUDES}
      COMMENT "glslc ${name}.comp"
      VERBATIM)
    list(APPEND names ${name})
    list(APPEND spvs ${spv})
  endforeach()
  string(REPLACE ";" "\\;" names_arg "${names}")
  string(REPLACE ";" "\\;" spvs_arg "${spvs}")
  add_custom_command(
    OUTPUT ${E_OUT}
    COMMAND ${CMAKE_COMMAND} -DOUT=${E_OUT} -DNAMES=${names_arg} -DFILES=${spvs_arg}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_spirv.cmake
    DEPENDS ${spvs} ${PROJECT_SOURCE_DIR}/cmake/embed_spirv.cmake
    COMMENT "Embedding SPIR-V shaders"
    VERBATIM)
endfunction()
