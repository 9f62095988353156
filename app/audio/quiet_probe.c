/* The libraries' own hooks for their messages: snd_lib_error_set_handler() and
 * jack_set_error_function() / jack_set_info_function(). Redirecting stderr instead would
 * also swallow what other threads print meanwhile. */
#include <alsa/asoundlib.h>
#include <dlfcn.h>
#include <string.h>

#include "quiet_probe.h"

static void alsa_drop(const char *file, int line, const char *function, int err,
                      const char *fmt, ...)
{
}

static void jack_drop(const char *message)
{
}

/* jack_set_*_function(void (*)(const char *)) from the process, if libjack is in it. */
static void set_jack_hook(const char *name)
{
    void *sym = dlsym(RTLD_DEFAULT, name);
    if (!sym) return;
    void (*set)(void (*)(const char *));
    memcpy(&set, &sym, sizeof set); /* object to function pointer: as POSIX dlsym allows */
    set(jack_drop);
}

void playback_quiet_probe(void)
{
    snd_lib_error_set_handler(alsa_drop);
    set_jack_hook("jack_set_error_function");
    set_jack_hook("jack_set_info_function");
}
