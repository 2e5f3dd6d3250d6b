// powercut.so: what a power cut would leave of a program's files, for tests.
//
//   LD_PRELOAD=powercut.so POWERCUT_DIR=/state POWERCUT_SHADOW=/shadow program ...
//
// A file's data is durable only up to its last fsync/fdatasync; a directory
// entry (a created, renamed or removed name) only once the directory itself
// was fsynced. Each time a program under test syncs something under
// POWERCUT_DIR, this records the durable state in POWERCUT_SHADOW: a file's
// whole content as "file-DEV-INO", a directory's names and inodes as
// "dir-DEV-INO". After the program is killed, powercut_restore (in the test)
// rebuilds from the shadow the tree a machine would find after the cut:
// names the directories never synced are gone, data never synced is lost.
// This is the conservative model (ext4 usually keeps more), so a program
// that passes it does not depend on luck.
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

// Whether `fd` names something under POWERCUT_DIR.
static int Watched(int fd) {
  const char* dir = getenv("POWERCUT_DIR");
  if (dir == NULL) return 0;
  char link[64];
  char path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return 0;
  path[n] = '\0';
  const size_t len = strlen(dir);
  return strncmp(path, dir, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

static void ShadowPath(char* out, size_t size, const char* kind, const struct stat* st) {
  snprintf(out, size, "%s/%s-%llu-%llu", getenv("POWERCUT_SHADOW"), kind,
           (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
}

// Writes `path` whole through a temporary name, so a reader never sees half.
static void Publish(const char* path, const char* tmp) {
  if (rename(tmp, path) != 0) unlink(tmp);
}

static void RecordFile(int fd, const struct stat* st) {
  char path[PATH_MAX], tmp[PATH_MAX + 8], link[64];
  ShadowPath(path, sizeof path, "file", st);
  snprintf(tmp, sizeof tmp, "%s.new", path);
  // The same file opened again for reading: `fd` may be write-only.
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const int in = open(link, O_RDONLY | O_CLOEXEC);
  if (in < 0) return;
  const int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    close(in);
    return;
  }
  char buf[65536];
  off_t at = 0;
  for (;;) {
    const ssize_t n = pread(in, buf, sizeof buf, at);
    if (n <= 0) break;
    if (write(out, buf, (size_t)n) != n) break;
    at += n;
  }
  close(in);
  close(out);
  Publish(path, tmp);
}

static void RecordDirectory(int fd, const struct stat* st) {
  char path[PATH_MAX], tmp[PATH_MAX + 8];
  ShadowPath(path, sizeof path, "dir", st);
  snprintf(tmp, sizeof tmp, "%s.new", path);
  const int copy = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return;
  DIR* d = fdopendir(copy);
  if (d == NULL) {
    close(copy);
    return;
  }
  FILE* out = fopen(tmp, "we");
  if (out == NULL) {
    closedir(d);
    return;
  }
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    struct stat child;
    if (fstatat(fd, e->d_name, &child, AT_SYMLINK_NOFOLLOW) != 0) continue;
    // One line per name: kind, device, inode, name (names have no newline here).
    fprintf(out, "%c %llu %llu %s\n", S_ISDIR(child.st_mode) ? 'd' : 'f',
            (unsigned long long)child.st_dev, (unsigned long long)child.st_ino, e->d_name);
  }
  fclose(out);
  closedir(d);
  Publish(path, tmp);
}

static void Record(int fd) {
  if (getenv("POWERCUT_SHADOW") == NULL || !Watched(fd)) return;
  struct stat st;
  if (fstat(fd, &st) != 0) return;
  const int saved = errno;
  pthread_mutex_lock(&lock);
  if (S_ISDIR(st.st_mode)) {
    RecordDirectory(fd, &st);
  } else if (S_ISREG(st.st_mode)) {
    RecordFile(fd, &st);
  }
  pthread_mutex_unlock(&lock);
  errno = saved;
}

int fsync(int fd) {
  if (real_fsync == NULL) real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  const int rc = real_fsync(fd);
  if (rc == 0) Record(fd);
  return rc;
}

int fdatasync(int fd) {
  if (real_fdatasync == NULL) real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  const int rc = real_fdatasync(fd);
  if (rc == 0) Record(fd);
  return rc;
}
