/* Float to 16-bit conversion used for the audio device. Shared with the GUI test so that the
 * reference it renders through the API is bit-identical to what the device receives. */
#ifndef MYNA_GUI_PCM_H
#define MYNA_GUI_PCM_H

#include <stdint.h>

static inline int16_t pcm_s16(float v)
{
    if (!(v > -1.0f)) v = -1.0f; /* also catches NaN */
    if (v > 1.0f) v = 1.0f;
    return (int16_t)(v * 32767.0f);
}

#endif
