/* The NSF excitation: the counter-based noise (values mirrored from
 * training/myna/excitation.py, statistics of a standard normal) and the harmonic source. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "vocoder/excitation.h"

static const double PI = 3.14159265358979323846;

static void check_noise(void)
{
    /* Values printed by training/myna/excitation.py noise(seed, n, 1). */
    CHECK_NEAR(myna_noise(1234, 0), 0.7820008348937547, 1e-12);
    CHECK_NEAR(myna_noise(1234, 1), -1.0539883632503566, 1e-12);
    CHECK_NEAR(myna_noise(0, 12345), 0.014321823983396055, 1e-12);
    CHECK_NEAR(myna_noise(9223372036854775813ull, 7), 1.4783757490571903, 1e-12);

    const int n = 200000;
    double sum = 0, sum2 = 0, sum4 = 0, lag = 0, prev = 0;
    for (int i = 0; i < n; i++) {
        double z = myna_noise(42, (uint64_t)i);
        sum += z;
        sum2 += z * z;
        sum4 += z * z * z * z;
        lag += z * prev;
        prev = z;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    printf("noise: mean %.4f var %.4f kurtosis %.3f lag-1 corr %.4f\n", mean, var,
           sum4 / n / (var * var), lag / n);
    CHECK_NEAR(mean, 0.0, 0.01); /* 4.5 sigma for n = 200k */
    CHECK_NEAR(var, 1.0, 0.015);
    CHECK_NEAR(sum4 / n / (var * var), 3.0, 0.1);
    CHECK_NEAR(lag / n, 0.0, 0.01);
    CHECK(myna_noise(42, 5) == myna_noise(42, 5));
    CHECK(myna_noise(42, 5) != myna_noise(43, 5));
}

static void check_source(void)
{
    enum { HOP = 16, FRAMES = 4 };
    exc_params p = {.hop = HOP, .sample_rate = 8000, .n_harmonics = 3, .sine_amp = 0.1, .seed = 7};
    /* unvoiced; 1000 Hz (3rd harmonic 3000 < 4000 kept); 1500 Hz (3rd = 4500 dropped); 500 */
    const float f0[FRAMES] = {0.0f, 1000.0f, 1500.0f, 500.0f};
    float e[FRAMES * HOP];
    double phase = 0;
    exc_generate(&p, f0, FRAMES, &phase, 100, e);
    double phi = 0, worst = 0;
    for (int n = 0; n < FRAMES * HOP; n++) {
        double hz = f0[n / HOP], want;
        phi = fmod(phi + 2 * PI * hz / p.sample_rate, 2 * PI);
        if (hz == 0) {
            want = p.sine_amp / 3.0 * myna_noise(p.seed, 100 + (uint64_t)n);
        } else {
            int harmonics = hz * 3 < 4000 ? 3 : 2;
            want = 0;
            for (int h = 1; h <= harmonics; h++)
                want += sin(h * phi);
            want *= p.sine_amp / 3.0;
        }
        worst = fmax(worst, fabs(e[n] - want));
    }
    printf("source: max deviation from the formula %.3g\n", worst);
    CHECK(worst < 1e-7);
    CHECK_NEAR(phase, phi, 1e-12);

    /* Noise is added to voiced samples with noise_std. */
    exc_params noisy = p;
    noisy.noise_std = 0.5;
    float e2[FRAMES * HOP];
    phase = 0;
    exc_generate(&noisy, f0, FRAMES, &phase, 100, e2);
    worst = 0;
    for (int n = HOP; n < FRAMES * HOP; n++)
        worst = fmax(worst, fabs((e2[n] - e[n]) - 0.5 * myna_noise(p.seed, 100 + (uint64_t)n)));
    CHECK(worst < 1e-6);
}

/* The flat source: every harmonic below Nyquist (up to H), each sine_amp * sqrt(2 f0 / sr),
 * summed by a recurrence in C; here by the direct formula. Its harmonic power is about
 * sine_amp^2 / 2 whatever the F0, which is what makes it "flat". */
static void check_flat_source(void)
{
    enum { HOP = 64, FRAMES = 200 };
    exc_params p = {.hop = HOP, .sample_rate = 16000, .n_harmonics = 200, .sine_amp = 0.1,
                    .seed = 7, .flat = 1};
    float f0[FRAMES], *e = malloc(FRAMES * HOP * sizeof *e);
    for (int f = 0; f < FRAMES; f++) /* 100 Hz, 250 Hz and a glide to 400 Hz, one unvoiced */
        f0[f] = f < 60 ? 100.0f : f < 120 ? 250.0f : f == 150 ? 0.0f : 250.0f + (f - 120) * 2.0f;
    double phase = 0, phi = 0, worst = 0, power[2] = {0, 0};
    exc_generate(&p, f0, FRAMES, &phase, 0, e);
    for (int n = 0; n < FRAMES * HOP; n++) {
        double hz = f0[n / HOP], want = 0;
        phi = fmod(phi + 2 * PI * hz / p.sample_rate, 2 * PI);
        if (hz == 0) {
            want = p.sine_amp / 3.0 * myna_noise(p.seed, (uint64_t)n);
        } else {
            for (int h = 1; h <= p.n_harmonics && h * hz < 8000; h++)
                want += sin(h * phi);
            want *= p.sine_amp * sqrt(2 * hz / p.sample_rate);
        }
        worst = fmax(worst, fabs(e[n] - want));
        if (n / HOP >= 5 && n / HOP < 55) power[0] += want * want / (50.0 * HOP);
        if (n / HOP >= 65 && n / HOP < 115) power[1] += want * want / (50.0 * HOP);
    }
    printf("flat source: max deviation %.3g; power at 100 Hz %.5f, at 250 Hz %.5f\n", worst,
           power[0], power[1]);
    CHECK(worst < 1e-6);
    CHECK_NEAR(power[0], p.sine_amp * p.sine_amp / 2, 0.0005);
    CHECK_NEAR(power[1], p.sine_amp * p.sine_amp / 2, 0.0005);
    free(e);
}

/* A voicing cutoff: harmonic h of the flat source weighted 1 / (1 + (h f0 / cutoff)^order)
 * (here by pow, in C by repeated products), and none once that power passes
 * EXC_VOICING_STOP. The amplitude of single harmonics, read back by correlation, falls as
 * the weight says, so the upper bands of a voiced frame are left to the noise. */
static void check_voicing_cutoff(void)
{
    enum { HOP = 100, FRAMES = 80 };
    exc_params p = {.hop = HOP, .sample_rate = 16000, .n_harmonics = 200, .sine_amp = 0.1,
                    .seed = 7, .flat = 1, .voicing_cutoff_hz = 600, .voicing_order = 4};
    float f0[FRAMES], *e = malloc(FRAMES * HOP * sizeof *e);
    for (int f = 0; f < FRAMES; f++)
        f0[f] = f < 40 ? 200.0f : 160.0f;
    double phase = 0, phi = 0, worst = 0, stop_hz = 600 * pow(EXC_VOICING_STOP, 0.25);
    double corr[3] = {0, 0, 0};
    /* 400, 600 and 3000 Hz at 200 Hz; harmonics stop above 6 kHz, below Nyquist */
    const int probe[3] = {2, 3, 15};
    exc_generate(&p, f0, FRAMES, &phase, 0, e);
    for (int n = 0; n < FRAMES * HOP; n++) {
        double hz = f0[n / HOP], want = 0;
        phi = fmod(phi + 2 * PI * hz / p.sample_rate, 2 * PI);
        for (int h = 1; h <= p.n_harmonics && h * hz < 8000 && h * hz <= stop_hz * (1 + 1e-12);
             h++)
            want += sin(h * phi) / (1 + pow(h * hz / p.voicing_cutoff_hz, 4));
        want *= p.sine_amp * sqrt(2 * hz / p.sample_rate);
        worst = fmax(worst, fabs(e[n] - want));
        if (n < 40 * HOP)
            for (int i = 0; i < 3; i++)
                corr[i] += e[n] * sin(probe[i] * phi) * 2.0 / (40.0 * HOP);
    }
    double unit = p.sine_amp * sqrt(2 * 200.0 / p.sample_rate);
    const double weight[3] = {1 / (1 + pow(400 / 600.0, 4)), 0.5, 1 / (1 + pow(5.0, 4))};
    printf("voicing cutoff: max deviation %.3g; harmonic amplitude at 400, 600, 3000 Hz %.5f "
           "%.5f %.5f (weights %.5f %.5f %.5f)\n",
           worst, corr[0] / unit, corr[1] / unit, corr[2] / unit, weight[0], weight[1],
           weight[2]);
    CHECK(worst < 1e-6);
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(corr[i] / unit, weight[i], 2e-4);

    /* Without a cutoff the same frames carry every harmonic at full amplitude. */
    p.voicing_cutoff_hz = 0;
    exc_generate(&p, f0, 40, &(double){0}, 0, e);
    double full = 0;
    phi = 0;
    for (int n = 0; n < 40 * HOP; n++) {
        phi = fmod(phi + 2 * PI * 200.0 / p.sample_rate, 2 * PI);
        full += e[n] * sin(15 * phi) * 2.0 / (40.0 * HOP);
    }
    CHECK_NEAR(full / unit, 1.0, 2e-4);
    free(e);
}

int main(void)
{
    check_noise();
    check_source();
    check_flat_source();
    check_voicing_cutoff();
    return check_summary("test_models_excitation");
}
