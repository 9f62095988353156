/* Linked into every executable of the sanitizer build (MYNA_SANITIZE), nowhere else.
 *
 * Vulkan drivers, ALSA plugins and the JACK client are dlopen()ed by their loaders and
 * dlclose()d again before the process exits. Some of them keep one-time allocations (caches
 * filled under pthread_once, thread-local state) that are never freed; by the time
 * LeakSanitizer looks at them the code that made them is unmapped, the unwinder stops at the
 * first of its frames and the report reads "<unknown module>", which no suppression can match.
 * Defined in the executable, this dlclose() takes precedence over libc's (and the sanitizer's
 * interceptor) for every library in the process, so modules stay mapped until exit and their
 * frames keep their names: tests/sanitizer/lsan.supp can then name the library that leaked
 * while every allocation made by Myna's own code is still reported. */
#include <dlfcn.h>

int dlclose(void *handle)
{
    (void)handle;
    return 0;
}
