/* A voice's phoneme inventory: symbol string -> id, as an open-addressing hash table. */
#include "synth/text/text_internal.h"

#include <stdlib.h>
#include <string.h>

struct tf_inventory {
    char **symbols; /* copies, index = id */
    size_t n;
    int32_t *table; /* id + 1, 0 = empty */
    size_t cap;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void tf_inventory_destroy(tf_inventory *inv)
{
    if (!inv) return;
    for (size_t i = 0; i < inv->n; i++) free(inv->symbols[i]);
    free(inv->symbols);
    free(inv->table);
    free(inv);
}

tf_status tf_inventory_create(const char *const *symbols, size_t n, tf_inventory **out)
{
    if (!out || (!symbols && n) || n > INT32_MAX / 4) return TF_ERR_ARG;
    *out = NULL;
    tf_inventory *inv = calloc(1, sizeof *inv);
    if (!inv) return TF_ERR_NOMEM;
    inv->cap = 16;
    while (inv->cap < n * 2) inv->cap *= 2;
    inv->symbols = calloc(n ? n : 1, sizeof(char *));
    inv->table = calloc(inv->cap, sizeof(int32_t));
    if (!inv->symbols || !inv->table) {
        tf_inventory_destroy(inv);
        return TF_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (!symbols[i]) {
            tf_inventory_destroy(inv);
            return TF_ERR_ARG;
        }
        inv->symbols[i] = strdup(symbols[i]);
        if (!inv->symbols[i]) {
            tf_inventory_destroy(inv);
            return TF_ERR_NOMEM;
        }
        inv->n = i + 1;
        size_t h = hash(symbols[i]) & (inv->cap - 1);
        while (inv->table[h] && strcmp(inv->symbols[inv->table[h] - 1], symbols[i]))
            h = (h + 1) & (inv->cap - 1);
        if (!inv->table[h]) inv->table[h] = (int32_t)i + 1; /* a duplicate keeps its first id */
    }
    *out = inv;
    return TF_OK;
}

static int32_t lookup(const tf_inventory *inv, const char *s)
{
    for (size_t h = hash(s) & (inv->cap - 1); inv->table[h]; h = (h + 1) & (inv->cap - 1))
        if (!strcmp(inv->symbols[inv->table[h] - 1], s)) return inv->table[h] - 1;
    return -1;
}

tf_status tf_inventory_map(const tf_inventory *inv, const tf_phonemes *p, int32_t *ids,
                           size_t *n_ids, size_t *n_unknown)
{
    if (!inv || !p || !n_ids || (p->n && (!ids || !p->tokens))) return TF_ERR_ARG;
    size_t k = 0, unknown = 0;
    for (size_t i = 0; i < p->n; i++) {
        int32_t id = p->tokens[i] ? lookup(inv, p->tokens[i]) : -1;
        if (id < 0) unknown++;
        else ids[k++] = id;
    }
    *n_ids = k;
    if (n_unknown) *n_unknown = unknown;
    return TF_OK;
}
