/* The one piece of process-global state in Myna. libespeak-ng keeps its voice, dictionary
 * and translator in globals, so it is initialised exactly once (pthread_once) and every use
 * runs under one mutex, switching the voice when frontends of different languages alternate.
 * espeakINITIALIZE_DONT_EXIT matters: without it libespeak-ng calls exit() when its data is
 * missing, which a library must never do to its host. */
#include "synth/text/text_internal.h"

#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t espeak_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t espeak_mutex = PTHREAD_MUTEX_INITIALIZER;
static int espeak_ready;          /* written once inside pthread_once */
static char espeak_language[64];  /* voice currently selected; guarded by espeak_mutex */

static void espeak_init(void)
{
    int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
    espeak_ready = rate > 0;
}

tf_status tf_espeak_acquire(const char *language)
{
    if (pthread_once(&espeak_once, espeak_init) != 0 || !espeak_ready) return TF_ERR_ESPEAK;
    if (strlen(language) >= sizeof espeak_language) return TF_ERR_ESPEAK;
    pthread_mutex_lock(&espeak_mutex);
    if (strcmp(espeak_language, language) != 0) {
        if (espeak_SetVoiceByName(language) != EE_OK) {
            /* A failed switch can leave no usable voice: force a reselect next time. */
            espeak_language[0] = '\0';
            pthread_mutex_unlock(&espeak_mutex);
            return TF_ERR_ESPEAK;
        }
        strcpy(espeak_language, language);
    }
    return TF_OK;
}

void tf_espeak_release(void)
{
    pthread_mutex_unlock(&espeak_mutex);
}
