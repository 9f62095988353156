/* Which input word does each output word of libespeak-ng belong to? espeak-ng joins some
 * words ("of the" -> one word) and splits others, so counts can differ. A small dynamic
 * programme finds the monotone grouping whose lengths fit best: output phoneme counts against
 * input letter counts scaled by their overall ratio. Only used for word events; the phonemes
 * themselves never depend on it. */
#include "synth/text/text_internal.h"

#include <math.h>
#include <stdlib.h>

#define MAXG 3 /* at most three words joined or split */

void tf_align_words(const size_t *in_len, size_t k, const size_t *out_len, size_t m,
                    size_t *out_to_in)
{
    if (!m) return;
    if (!k) {
        for (size_t j = 0; j < m; j++) out_to_in[j] = 0;
        return;
    }
    double tin = 0, tout = 0;
    for (size_t i = 0; i < k; i++) tin += (double)in_len[i];
    for (size_t j = 0; j < m; j++) tout += (double)out_len[j];
    double ratio = tin > 0 ? tout / tin : 1;
    size_t w = m + 1;
    double *cost = malloc((k + 1) * w * sizeof *cost);
    unsigned char *from = malloc((k + 1) * w * 2);
    if (!cost || !from) { /* proportional fallback */
        for (size_t j = 0; j < m; j++) out_to_in[j] = j * k / m;
        free(cost);
        free(from);
        return;
    }
    for (size_t x = 0; x < (k + 1) * w; x++) cost[x] = INFINITY;
    cost[0] = 0;
    for (size_t i = 0; i <= k; i++) {
        for (size_t j = 0; j <= m; j++) {
            double c0 = cost[i * w + j];
            if (c0 == INFINITY) continue;
            /* a inputs -> b outputs, one side being 1 */
            for (size_t a = 1; a <= MAXG && i + a <= k; a++) {
                for (size_t b = 1; b <= MAXG && j + b <= m; b++) {
                    if (a > 1 && b > 1) break;
                    double li = 0, lo = 0;
                    for (size_t q = 0; q < a; q++) li += (double)in_len[i + q];
                    for (size_t q = 0; q < b; q++) lo += (double)out_len[j + q];
                    double c = c0 + fabs(lo - li * ratio) + (a + b > 2 ? 1.0 : 0.0);
                    size_t t = (i + a) * w + j + b;
                    if (c < cost[t]) {
                        cost[t] = c;
                        from[2 * t] = (unsigned char)a;
                        from[2 * t + 1] = (unsigned char)b;
                    }
                }
            }
        }
    }
    if (cost[k * w + m] == INFINITY) {
        for (size_t j = 0; j < m; j++) out_to_in[j] = j * k / m;
    } else {
        for (size_t i = k, j = m; i > 0 && j > 0;) {
            size_t t = i * w + j, a = from[2 * t], b = from[2 * t + 1];
            for (size_t q = 0; q < b; q++) out_to_in[j - 1 - q] = i - a;
            i -= a, j -= b;
        }
    }
    free(cost);
    free(from);
}
