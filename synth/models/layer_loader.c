#include "layer_loader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

int ml_fail(ml_loader *L, const char *fmt, ...)
{
    if (L->err && L->err_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(L->err, L->err_len, fmt, ap);
        va_end(ap);
    }
    return ML_ERR_VOICE;
}

int ml_get_int(ml_loader *L, const char *key, int64_t lo, int64_t hi, int *out)
{
    int64_t v;
    vf_status s = vf_get_i64(L->vf, key, &v);
    if (s == VF_ERR_NOT_FOUND) return ml_fail(L, "voice lacks metadata '%s'", key);
    if (s != VF_OK) return ml_fail(L, "metadata '%s': %s", key, vf_strerror(s));
    if (v < lo || v > hi)
        return ml_fail(L, "metadata '%s' = %lld, expected %lld..%lld", key, (long long)v,
                       (long long)lo, (long long)hi);
    *out = (int)v;
    return 0;
}

int ml_get_f64(ml_loader *L, const char *key, double *out)
{
    vf_status s = vf_get_f64(L->vf, key, out);
    if (s == VF_ERR_NOT_FOUND) return ml_fail(L, "voice lacks metadata '%s'", key);
    if (s != VF_OK) return ml_fail(L, "metadata '%s': %s", key, vf_strerror(s));
    if (!isfinite(*out)) return ml_fail(L, "metadata '%s' is not finite", key);
    return 0;
}

static const char *dtype_name(vf_dtype d)
{
    switch (d) {
    case VF_F32:
        return "f32";
    case VF_F16:
        return "f16";
    case VF_I8:
        return "int8";
    }
    return "unknown";
}

/* "[a,b,c]" of the tensor's actual dims, for error messages. */
static void format_dims(const vf_tensor *t, char *buf, size_t len)
{
    size_t n = 0;
    n += (size_t)snprintf(buf + n, len - n, "[");
    for (int i = 0; i < t->n_dims && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%lld", i ? "," : "", (long long)t->dims[i]);
    if (n < len) snprintf(buf + n, len - n, "]");
}

/* Finds `name` and checks it has exactly the expected dims (n_dims of them). */
static int find_shaped(ml_loader *L, const char *name, int n_dims, const int64_t *dims,
                       const vf_tensor **out)
{
    const vf_tensor *t = vf_find_tensor(L->vf, name);
    if (!t) return ml_fail(L, "voice lacks tensor '%s'", name);
    int ok = t->n_dims == n_dims;
    for (int i = 0; ok && i < n_dims; i++)
        ok = t->dims[i] == dims[i];
    if (!ok) {
        char have[96], want[96];
        vf_tensor want_t = {.n_dims = n_dims};
        for (int i = 0; i < n_dims; i++)
            want_t.dims[i] = dims[i];
        format_dims(t, have, sizeof have);
        format_dims(&want_t, want, sizeof want);
        return ml_fail(L, "%s has shape %s, expected %s", name, have, want);
    }
    *out = t;
    return 0;
}

static int find_f32(ml_loader *L, const char *name, int n_dims, const int64_t *dims,
                    const vf_tensor **out)
{
    int rc = find_shaped(L, name, n_dims, dims, out);
    if (rc) return rc;
    if ((*out)->dtype != VF_F32)
        return ml_fail(L, "%s is %s, expected f32", name, dtype_name((*out)->dtype));
    return 0;
}

int ml_get_table(ml_loader *L, const char *name, int rows, int cols, const float **out)
{
    const vf_tensor *t = NULL;
    int64_t dims[2] = {rows, cols};
    int rc = find_f32(L, name, 2, dims, &t);
    if (rc) return rc;
    *out = t->data;
    return 0;
}

/* int8 weights must avoid -128 (the SIMD kernels rely on |w| <= 127 to never saturate). */
static int check_i8_range(ml_loader *L, const char *name, const vf_tensor *t, int O, int KI)
{
    size_t stride = rt_i8_row_stride(KI);
    const int8_t *w = t->data;
    for (int o = 0; o < O; o++)
        for (int j = 0; j < KI; j++)
            if (w[(size_t)o * stride + (size_t)j] == -128)
                return ml_fail(L, "%s holds -128 (int8 weights must be in [-127, 127])", name);
    return 0;
}

/* Weight tensor `wname` [O,K,I] f32 or int8 (then `sname` f32 [O]), optional bias `bname`. */
static int load_weight(ml_loader *L, const char *wname, const char *sname, const char *bname,
                       int bias_required, int O, int K, int I, rt_weight **out)
{
    *out = NULL;
    if (O <= 0 || K <= 0 || I <= 0)
        return ml_fail(L, "%s: non-positive expected shape [%d,%d,%d]", wname, O, K, I);
    const vf_tensor *w = NULL, *scale = NULL, *bias = NULL;
    int64_t dims[3] = {O, K, I};
    int64_t odim[1] = {O};
    int rc = find_shaped(L, wname, 3, dims, &w);
    if (rc) return rc;
    rt_weight_desc d = {.out = O, .kernel = K, .in = I, .data = w->data};
    if (w->dtype == VF_F32) {
        d.dtype = RT_F32;
    } else if (w->dtype == VF_I8) {
        d.dtype = RT_I8;
        if ((rc = find_f32(L, sname, 1, odim, &scale)) != 0) return rc;
        if ((rc = check_i8_range(L, wname, w, O, K * I)) != 0) return rc;
        d.scale = scale->data;
    } else {
        return ml_fail(L, "%s is %s, expected f32 or int8", wname, dtype_name(w->dtype));
    }
    if (bias_required || vf_find_tensor(L->vf, bname)) {
        if ((rc = find_f32(L, bname, 1, odim, &bias)) != 0) return rc;
        d.bias = bias->data;
    }
    rt_status s = rt_weight_create(L->ctx, &d, out);
    if (s != RT_OK) {
        ml_fail(L, "%s: runtime cannot create weight (status %d)", wname, (int)s);
        *out = NULL;
        return s;
    }
    return 0;
}

int ml_load_layer(ml_loader *L, const char *name, int O, int K, int I, int bias_required,
                  rt_weight **out)
{
    char wn[300], sn[300], bn[300];
    snprintf(wn, sizeof wn, "%s.weight", name);
    snprintf(sn, sizeof sn, "%s.scale", name);
    snprintf(bn, sizeof bn, "%s.bias", name);
    return load_weight(L, wn, sn, bn, bias_required, O, K, I, out);
}

int ml_load_lstm(ml_loader *L, const char *name, int H, int I, ml_lstm *out)
{
    char wn[300], sn[300], bn[300];
    out->w_ih = out->w_hh = NULL;
    if (H <= 0 || H > (1 << 28)) return ml_fail(L, "%s: bad hidden size %d", name, H);
    snprintf(wn, sizeof wn, "%s.w_ih", name);
    snprintf(sn, sizeof sn, "%s.w_ih.scale", name);
    snprintf(bn, sizeof bn, "%s.bias", name);
    int rc = load_weight(L, wn, sn, bn, 1, 4 * H, 1, I, &out->w_ih);
    if (rc) return rc;
    snprintf(wn, sizeof wn, "%s.w_hh", name);
    snprintf(sn, sizeof sn, "%s.w_hh.scale", name);
    /* The recurrent weight has no bias of its own: it is folded into X.bias. */
    rc = load_weight(L, wn, sn, "", 0, 4 * H, 1, H, &out->w_hh);
    if (rc) {
        rt_weight_destroy(L->ctx, out->w_ih);
        out->w_ih = NULL;
    }
    return rc;
}

void ml_lstm_free(rt_ctx *ctx, ml_lstm *l)
{
    ml_weight_free(ctx, &l->w_ih);
    ml_weight_free(ctx, &l->w_hh);
}

void ml_weight_free(rt_ctx *ctx, rt_weight **w)
{
    if (*w) rt_weight_destroy(ctx, *w);
    *w = NULL;
}
