/* rt_gpu_may_exist (rt.h): whether a GPU can be present, from device nodes alone, so that
 * `--backend auto` skips the Vulkan probe (which loads every installed driver) where none can. */
#include "synth/runtime/rt.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* GPU drivers that live outside DRM and so may have no render node: NVIDIA's proprietary
 * driver (its /dev/dri nodes come only with nvidia-drm loaded), WSL2's GPU paravirtualisation
 * (Mesa's dozen), Arm's Mali kbase and Qualcomm's KGSL (Adreno) kernel drivers. */
static const char *const NON_DRM_NODES[] = {"nvidiactl", "dxg", "mali0", "kgsl-3d0"};

/* 1 when dir has an entry whose name starts with prefix; -1 when dir cannot be read for
 * another reason than not existing, 0 otherwise. Names only: a container may bind-mount the
 * nodes in any way, and a stat per entry would tell nothing the driver will not. */
static int dir_has_prefix(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    size_t n = strlen(prefix);
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) found = strncmp(e->d_name, prefix, n) == 0;
    closedir(d);
    return found;
}

/* Exists, or cannot be looked at (then a driver might still reach it): 1. */
static int node_exists(const char *dev_dir, const char *name)
{
    char path[PATH_MAX];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", dev_dir, name) >= (int)sizeof path) return 1;
    return stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

static int linux_gpu_nodes(const char *dev_dir)
{
    char dri[PATH_MAX];
    if (snprintf(dri, sizeof dri, "%s/dri", dev_dir) >= (int)sizeof dri) return 1;
    /* card* alone is no GPU: simpledrm, efifb and virtual displays make one without rendering. */
    if (dir_has_prefix(dri, "renderD") != 0) return 1; /* found, or unreadable: probe */
    for (size_t i = 0; i < sizeof NON_DRM_NODES / sizeof *NON_DRM_NODES; i++)
        if (node_exists(dev_dir, NON_DRM_NODES[i])) return 1;
    return 0;
}

int rt_gpu_may_exist(const char *dev_dir)
{
    const char *force = getenv("MYNA_GPU_PROBE");
    if (force && strcmp(force, "always") == 0) return 1;
    if (force && strcmp(force, "never") == 0) return 0;
#ifdef __linux__
    return linux_gpu_nodes(dev_dir ? dev_dir : "/dev");
#else
    (void)dev_dir;
    return 1; /* no cheap test known here: let the Vulkan probe decide */
#endif
}
