/* Finding voice files: an explicit path, $MYNA_VOICE_PATH, folders near the executable (so a
 * build tree and an unpacked tarball work without installing), then the install prefix. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "myna.h"

#define VOICE_EXT ".myna"
#define MAX_DIRS 16

typedef struct {
    char dirs[MAX_DIRS][PATH_MAX];
    int n;
} search_path;

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_dir(search_path *sp, const char *d)
{
    if (sp->n >= MAX_DIRS || !d || !*d || strlen(d) >= PATH_MAX) return;
    for (int i = 0; i < sp->n; i++)
        if (strcmp(sp->dirs[i], d) == 0) return;
    if (!is_dir(d)) return;
    strcpy(sp->dirs[sp->n++], d);
}

/* Folders named "voices" in the executable's folder and up to three levels above it: covers
 * build/app/cli/myna -> <source>/voices and <prefix>/bin/myna -> <prefix>/share/myna/voices. */
static void add_exe_relative(search_path *sp)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return;
    exe[n] = '\0';
    for (int level = 0; level < 4; level++) {
        char *slash = strrchr(exe, '/');
        if (!slash) return;
        *slash = '\0';
        char cand[PATH_MAX];
        if (snprintf(cand, sizeof cand, "%s/voices", exe) < (int)sizeof cand) add_dir(sp, cand);
        if (snprintf(cand, sizeof cand, "%s/share/myna/voices", exe) < (int)sizeof cand)
            add_dir(sp, cand);
    }
}

static void build_search_path(search_path *sp)
{
    sp->n = 0;
    const char *env = getenv("MYNA_VOICE_PATH");
    if (env) {
        char buf[PATH_MAX];
        const char *p = env;
        while (*p) {
            size_t len = strcspn(p, ":");
            if (len > 0 && len < sizeof buf) {
                memcpy(buf, p, len);
                buf[len] = '\0';
                add_dir(sp, buf);
            }
            p += len;
            if (*p == ':') p++;
        }
    }
    add_exe_relative(sp);
    add_dir(sp, MYNA_INSTALL_DATADIR "/myna/voices");
}

static int has_ext(const char *name)
{
    size_t n = strlen(name), e = strlen(VOICE_EXT);
    return n > e && strcmp(name + n - e, VOICE_EXT) == 0;
}

myna_status voice_path_find(const char *relative, char *path_out, size_t path_size)
{
    if (!relative || !*relative || !path_out || path_size == 0) return MYNA_ERR_INVALID_ARGUMENT;
    search_path sp;
    build_search_path(&sp);
    for (int i = 0; i < sp.n; i++) {
        char cand[PATH_MAX];
        int w = snprintf(cand, sizeof cand, "%s/%s", sp.dirs[i], relative);
        if (w < 0 || w >= (int)sizeof cand || !is_file(cand)) continue;
        if ((size_t)w >= path_size) return MYNA_ERR_INVALID_ARGUMENT;
        strcpy(path_out, cand);
        return MYNA_OK;
    }
    return MYNA_ERR_VOICE_NOT_FOUND;
}

myna_status myna_voice_resolve(const char *name, char *path_out, size_t path_size)
{
    if (!name || !*name || !path_out || path_size == 0) return MYNA_ERR_INVALID_ARGUMENT;
    if (is_file(name)) {
        if (strlen(name) >= path_size) return MYNA_ERR_INVALID_ARGUMENT;
        strcpy(path_out, name);
        return MYNA_OK;
    }
    /* A name with a slash was meant as a path: do not search for it elsewhere. */
    if (strchr(name, '/')) return MYNA_ERR_VOICE_NOT_FOUND;
    search_path sp;
    build_search_path(&sp);
    for (int i = 0; i < sp.n; i++) {
        char cand[PATH_MAX];
        int w = snprintf(cand, sizeof cand, "%s/%s%s", sp.dirs[i], name,
                         has_ext(name) ? "" : VOICE_EXT);
        if (w < 0 || w >= (int)sizeof cand || !is_file(cand)) continue;
        if ((size_t)w >= path_size) return MYNA_ERR_INVALID_ARGUMENT;
        strcpy(path_out, cand);
        return MYNA_OK;
    }
    return MYNA_ERR_VOICE_NOT_FOUND;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists one folder in name order so the listing is stable. */
static myna_status list_dir(const char *dir, void (*fn)(const char *, void *), void *user)
{
    DIR *d = opendir(dir);
    if (!d) return MYNA_OK;
    char **names = NULL;
    size_t n = 0, cap = 0;
    myna_status status = MYNA_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!has_ext(e->d_name)) continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) { status = MYNA_ERR_NO_MEMORY; break; }
            names = nn;
            cap = nc;
        }
        if (!(names[n] = strdup(e->d_name))) { status = MYNA_ERR_NO_MEMORY; break; }
        n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        if (status == MYNA_OK &&
            snprintf(path, sizeof path, "%s/%s", dir, names[i]) < (int)sizeof path)
            fn(path, user);
        free(names[i]);
    }
    free(names);
    return status;
}

myna_status myna_voice_list(void (*fn)(const char *path, void *user), void *user)
{
    if (!fn) return MYNA_ERR_INVALID_ARGUMENT;
    search_path sp;
    build_search_path(&sp);
    for (int i = 0; i < sp.n; i++) {
        myna_status s = list_dir(sp.dirs[i], fn, user);
        if (s != MYNA_OK) return s;
    }
    return MYNA_OK;
}
