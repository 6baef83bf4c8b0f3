/* Storage fault injection, for the tests of disk-full and read-only behaviour only. When the
 * hidden config key fault-injection-file names a file, connections open through a thin SQLite
 * VFS that forwards everything to the real one, except that while that file says "full" every
 * write fails with SQLITE_FULL (what the unix VFS returns on ENOSPC) and while it says
 * "readonly" with SQLITE_IOERR_WRITE (what it returns on EROFS), and while it says "slow-sync"
 * every sync takes 1.5 s longer (a slow disk). The server code above the VFS
 * cannot tell the difference, so the tests exercise the path a real fault takes; deleting the
 * file is "space returns". Off (NULL, no wrapper) unless the key is set. */
#ifndef PRACTICA_FAULTS_H
#define PRACTICA_FAULTS_H

/* The VFS name for sqlite3_open_v2(): NULL (the default VFS) unless fault injection is on. */
const char *faults_vfs_name(void);

#endif
