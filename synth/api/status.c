/* Status codes of the public API and their descriptions. */
#include "myna.h"

const char *myna_strerror(myna_status status)
{
    switch (status) {
    case MYNA_OK: return "success";
    case MYNA_DONE: return "utterance complete";
    case MYNA_ERR_INVALID_ARGUMENT: return "invalid argument";
    case MYNA_ERR_NO_MEMORY: return "out of memory";
    case MYNA_ERR_IO: return "input/output error";
    case MYNA_ERR_VOICE_NOT_FOUND: return "voice not found";
    case MYNA_ERR_VOICE_FORMAT: return "not a valid Myna voice file (corrupt or truncated)";
    case MYNA_ERR_VOICE_VERSION: return "voice file version not supported by this engine";
    case MYNA_ERR_TEXT_ENCODING: return "text is not valid UTF-8";
    case MYNA_ERR_PHONEMIZER: return "phonemizer (libespeak-ng) failed or lacks the language";
    case MYNA_ERR_BACKEND: return "compute backend failed or is unavailable";
    case MYNA_ERR_UNSUPPORTED: return "operation not supported";
    case MYNA_ERR_STATE: return "call out of order";
    case MYNA_ERR_INTERNAL: return "internal error";
    case MYNA_ERR_AUDIO_EMPTY: return "audio is empty";
    case MYNA_ERR_AUDIO_TOO_SHORT: return "audio has less than 1 s of speech";
    case MYNA_ERR_AUDIO_SILENT: return "audio is silent";
    case MYNA_ERR_AUDIO_CLIPPED: return "audio is clipped";
    case MYNA_ERR_AUDIO_NOT_FINITE: return "audio has NaN or infinite samples";
    }
    return "unknown status";
}

const char *myna_version(void)
{
    return MYNA_VERSION_STRING;
}
