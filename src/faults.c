/* The fault-injecting SQLite VFS (faults.h): a pass-through wrapper whose xWrite and xSync
 * consult the fault file. */
#include "faults.h"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#define FAULT_VFS "practica-fault"

typedef struct {
	sqlite3_file base;  /* pMethods = &fault_io */
	sqlite3_file *real; /* the real VFS's file, in the same allocation just after this */
} FaultFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static sqlite3_io_methods fault_io;
static pthread_once_t fault_once = PTHREAD_ONCE_INIT;

#define FAULT_WORD_MAX 15 /* "readonly", "slow-sync": the longest word the file holds */

/* The fault file's first word, or "" when there is none. */
static void fault_word(char word[FAULT_WORD_MAX + 1])
{
	word[0] = '\0';
	int fd = open(config.fault_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, word, FAULT_WORD_MAX);
	close(fd);
	word[n > 0 ? n : 0] = '\0';
}

/* SQLITE_OK, or the error a write gets now. */
static int injected_write_error(void)
{
	char word[FAULT_WORD_MAX + 1];
	fault_word(word);
	if (!strncmp(word, "full", 4))
		return SQLITE_FULL;
	if (!strncmp(word, "readonly", 8))
		return SQLITE_IOERR_WRITE;
	return SQLITE_OK;
}

static sqlite3_file *real(sqlite3_file *f)
{
	return ((FaultFile *)f)->real;
}

static int f_close(sqlite3_file *f)
{
	return real(f)->pMethods->xClose(real(f));
}
static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return real(f)->pMethods->xRead(real(f), buf, n, off);
}
static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	int rc = injected_write_error();
	return rc ? rc : real(f)->pMethods->xWrite(real(f), buf, n, off);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return real(f)->pMethods->xTruncate(real(f), size);
}
static int f_sync(sqlite3_file *f, int flags)
{
	char word[FAULT_WORD_MAX + 1];
	fault_word(word);
	if (!strncmp(word, "slow-sync", 9))
		usleep(1500 * 1000); /* a disk that takes its time: the sync still happens */
	return real(f)->pMethods->xSync(real(f), flags);
}
static int f_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return real(f)->pMethods->xFileSize(real(f), size);
}
static int f_lock(sqlite3_file *f, int level)
{
	return real(f)->pMethods->xLock(real(f), level);
}
static int f_unlock(sqlite3_file *f, int level)
{
	return real(f)->pMethods->xUnlock(real(f), level);
}
static int f_check_reserved(sqlite3_file *f, int *out)
{
	return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
static int f_control(sqlite3_file *f, int op, void *arg)
{
	return real(f)->pMethods->xFileControl(real(f), op, arg);
}
static int f_sector_size(sqlite3_file *f)
{
	return real(f)->pMethods->xSectorSize(real(f));
}
static int f_device(sqlite3_file *f)
{
	return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
static int f_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **p)
{
	return real(f)->pMethods->xShmMap(real(f), region, size, extend, p);
}
static int f_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
static void f_shm_barrier(sqlite3_file *f)
{
	real(f)->pMethods->xShmBarrier(real(f));
}
static int f_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return real(f)->pMethods->xFetch(real(f), off, n, p);
}
static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return real(f)->pMethods->xUnfetch(real(f), off, p);
}

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
	FaultFile *ff = (FaultFile *)file;
	ff->real = (sqlite3_file *)(ff + 1);
	int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
	/* SQLite calls xClose only when pMethods is set, and must not when the open failed. */
	file->pMethods = ff->real->pMethods ? &fault_io : NULL;
	return rc;
}
static int v_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}
static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int v_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}
static void *v_dl_open(sqlite3_vfs *vfs, const char *name)
{
	return real_vfs->xDlOpen(real_vfs, name);
}
static void v_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
	real_vfs->xDlError(real_vfs, n, msg);
}
static void (*v_dl_sym(sqlite3_vfs *vfs, void *handle, const char *sym))(void)
{
	return real_vfs->xDlSym(real_vfs, handle, sym);
}
static void v_dl_close(sqlite3_vfs *vfs, void *handle)
{
	real_vfs->xDlClose(real_vfs, handle);
}
static int v_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return real_vfs->xRandomness(real_vfs, n, out);
}
static int v_sleep(sqlite3_vfs *vfs, int micros)
{
	return real_vfs->xSleep(real_vfs, micros);
}
static int v_current_time(sqlite3_vfs *vfs, double *out)
{
	return real_vfs->xCurrentTime(real_vfs, out);
}
static int v_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	return real_vfs->xGetLastError(real_vfs, n, out);
}
static int v_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static void register_fault_vfs(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs)
		return;
	fault_io = (sqlite3_io_methods){
		.iVersion = 3, .xClose = f_close, .xRead = f_read, .xWrite = f_write,
		.xTruncate = f_truncate, .xSync = f_sync, .xFileSize = f_file_size,
		.xLock = f_lock, .xUnlock = f_unlock, .xCheckReservedLock = f_check_reserved,
		.xFileControl = f_control, .xSectorSize = f_sector_size,
		.xDeviceCharacteristics = f_device, .xShmMap = f_shm_map, .xShmLock = f_shm_lock,
		.xShmBarrier = f_shm_barrier, .xShmUnmap = f_shm_unmap, .xFetch = f_fetch,
		.xUnfetch = f_unfetch,
	};
	fault_vfs = (sqlite3_vfs){
		.iVersion = 2, .szOsFile = (int)sizeof(FaultFile) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname, .zName = FAULT_VFS, .xOpen = v_open,
		.xDelete = v_delete, .xAccess = v_access, .xFullPathname = v_full_pathname,
		.xDlOpen = v_dl_open, .xDlError = v_dl_error, .xDlSym = v_dl_sym,
		.xDlClose = v_dl_close, .xRandomness = v_randomness, .xSleep = v_sleep,
		.xCurrentTime = v_current_time, .xGetLastError = v_last_error,
		.xCurrentTimeInt64 = v_current_time_int64,
	};
	if (sqlite3_vfs_register(&fault_vfs, 0) != SQLITE_OK)
		real_vfs = NULL;
}

const char *faults_vfs_name(void)
{
	if (!config.fault_file)
		return NULL;
	pthread_once(&fault_once, register_fault_vfs);
	return real_vfs ? FAULT_VFS : NULL;
}
