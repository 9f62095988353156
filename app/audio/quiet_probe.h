/* PortAudio opens every host API it was built with: ALSA walks its configuration's virtual
 * devices (surround51, hdmi, modem, ...) and the JACK client looks for a server. Both
 * libraries report each miss on stderr, dozens of lines per device open, although nothing
 * is wrong. Playback's own errors (playback.h) still say when a device cannot be used. */
#ifndef MYNA_QUIET_PROBE_H
#define MYNA_QUIET_PROBE_H

/* Routes ALSA's and JACK's messages to handlers that drop them, for the whole process (both
 * libraries keep one handler per process). Call once, before the first playback_open();
 * skip it to see the messages (--verbose). JACK's are silenced only when the process has
 * libjack loaded (PortAudio built with JACK); it is found at run time, not linked. */
void playback_quiet_probe(void);

#endif
