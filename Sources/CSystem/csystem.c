#define _GNU_SOURCE
#include <unistd.h>
#include <sys/vfs.h>
#include <malloc.h>
#include "csystem.h"

int tagger_syncfs(int fd) {
    return syncfs(fd);
}

long tagger_filesystem_type(int fd) {
    struct statfs fs;
    if (fstatfs(fd, &fs) != 0) return -1;
    return (long)fs.f_type;
}

int tagger_release_free_memory(void) {
    return malloc_trim(0);
}
