#ifndef TAGGER_CSYSTEM_H
#define TAGGER_CSYSTEM_H

/// Linux calls that Swift's Glibc module does not declare (they need _GNU_SOURCE or
/// <sys/vfs.h>), wrapped in plain functions.

/// syncfs(2) on the filesystem holding `fd`: 0, or -1 with errno set.
int tagger_syncfs(int fd);

/// The f_type of fstatfs(2) on `fd` (its filesystem's magic number), or -1 with errno set.
long tagger_filesystem_type(int fd);

/// malloc_trim(0): gives the heap's free pages back to the kernel; 1 when some were.
int tagger_release_free_memory(void);

#endif
