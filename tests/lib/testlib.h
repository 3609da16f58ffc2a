/*
 * testlib.h - what several Check suites need: compiling a fixture CSV into
 * a snapshot file, loading the built module by path, calling its entry
 * points, and counting the process's mappings of a file and open fds.
 */
#ifndef NSS_IANA_TESTLIB_H
#define NSS_IANA_TESTLIB_H

#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "module/nss_iana.h"
#include "compiler/compile.h"

/* Compiles `csv` into `out` through the same code as `nss-iana compile`,
 * with its options (NULL: none; e.g. .protocols for `--protocols`). */
static inline void compile_fixture_with(const char *csv,
					const struct compile_options *options,
					const char *out)
{
	struct compiled compiled;
	char err[512];

	ck_assert_msg(compile_file(csv, options, &compiled, err, sizeof err) == 0,
		      "%s", err);
	ck_assert_int_eq(write_file_atomic(out, compiled.image.data,
					   compiled.image.size), 0);
	compiled_free(&compiled);
}

static inline void compile_fixture(const char *csv, const char *out)
{
	compile_fixture_with(csv, NULL, out);
}

/* A fresh temporary path under $TMPDIR or /tmp (the file is not created). */
static inline void temp_path(char *path, size_t size, const char *name)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, size, "%s/nss-iana-test-%ld-%s", dir ? dir : "/tmp",
		 (long)getpid(), name);
}

/* The five entry points of the module that `make` built. */
struct module {
	void *handle;
	__typeof__(_nss_iana_getservbyname_r) *getservbyname_r;
	__typeof__(_nss_iana_getservbyport_r) *getservbyport_r;
	__typeof__(_nss_iana_setservent) *setservent;
	__typeof__(_nss_iana_getservent_r) *getservent_r;
	__typeof__(_nss_iana_endservent) *endservent;
};

static inline struct module load_module(void)
{
	char path[PATH_MAX];
	const char *build = getenv("BUILD");
	struct module m;

	snprintf(path, sizeof path, "%s/libnss_iana.so.2", build ? build : "build");
	m.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(m.handle != NULL, "dlopen %s: %s", path, dlerror());
	m.getservbyname_r = dlsym(m.handle, "_nss_iana_getservbyname_r");
	m.getservbyport_r = dlsym(m.handle, "_nss_iana_getservbyport_r");
	m.setservent = dlsym(m.handle, "_nss_iana_setservent");
	m.getservent_r = dlsym(m.handle, "_nss_iana_getservent_r");
	m.endservent = dlsym(m.handle, "_nss_iana_endservent");
	ck_assert(m.getservbyname_r && m.getservbyport_r && m.setservent &&
		  m.getservent_r && m.endservent);
	return m;
}

/* The services entry points and the five protocols ones. */
struct proto_module {
	struct module services;
	__typeof__(_nss_iana_getprotobyname_r) *byname;
	__typeof__(_nss_iana_getprotobynumber_r) *bynumber;
	__typeof__(_nss_iana_setprotoent) *setent;
	__typeof__(_nss_iana_getprotoent_r) *getent;
	__typeof__(_nss_iana_endprotoent) *endent;
};

static inline struct proto_module load_proto_module(void)
{
	struct proto_module m = { .services = load_module() };

	m.byname = dlsym(m.services.handle, "_nss_iana_getprotobyname_r");
	m.bynumber = dlsym(m.services.handle, "_nss_iana_getprotobynumber_r");
	m.setent = dlsym(m.services.handle, "_nss_iana_setprotoent");
	m.getent = dlsym(m.services.handle, "_nss_iana_getprotoent_r");
	m.endent = dlsym(m.services.handle, "_nss_iana_endprotoent");
	ck_assert(m.byname && m.bynumber && m.setent && m.getent && m.endent);
	return m;
}

/* One call of an entry point: its status, the errno it set (-1: none) and
 * the answer. */
struct call {
	enum nss_status status;
	int error;
	struct servent result;
};

static inline struct call call_by_name(const struct module *m, const char *name,
				       const char *proto, char *buffer, size_t buflen)
{
	struct call call = { .error = -1 };
	call.status = m->getservbyname_r(name, proto, &call.result, buffer,
					 buflen, &call.error);
	return call;
}

static inline struct call call_by_port(const struct module *m, unsigned port,
				       const char *proto, char *buffer, size_t buflen)
{
	struct call call = { .error = -1 };
	call.status = m->getservbyport_r(htons(port), proto, &call.result,
					 buffer, buflen, &call.error);
	return call;
}

static inline struct call call_next_entry(const struct module *m, char *buffer,
					  size_t buflen)
{
	struct call call = { .error = -1 };
	call.status = m->getservent_r(&call.result, buffer, buflen, &call.error);
	return call;
}

/* Pages [first, end) of the file at `path` that are in the page cache,
 * from mincore(); *total receives the file's pages. */
static inline size_t cached_pages_in(const char *path, size_t first, size_t end,
				     size_t *total)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	void *addr = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(addr, MAP_FAILED);
	close(fd);
	long page = sysconf(_SC_PAGESIZE);
	*total = ((size_t)st.st_size + (size_t)page - 1) / (size_t)page;
	unsigned char *in_core = calloc(*total, 1);
	ck_assert_ptr_nonnull(in_core);
	ck_assert_int_eq(mincore(addr, (size_t)st.st_size, in_core), 0);
	size_t cached = 0;
	for (size_t i = first; i < end && i < *total; i++)
		cached += in_core[i] & 1;
	free(in_core);
	munmap(addr, (size_t)st.st_size);
	return cached;
}

/* All of them. */
static inline size_t cached_pages(const char *path, size_t *total)
{
	return cached_pages_in(path, 0, SIZE_MAX, total);
}

/* Lines of /proc/self/maps naming `path`, "(deleted)" ones too. */
static inline int mappings_of(const char *path)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[PATH_MAX + 256];
	int count = 0;

	ck_assert_ptr_nonnull(maps);
	while (fgets(line, sizeof line, maps))
		count += strstr(line, path) != NULL;
	fclose(maps);
	return count;
}

/* Entries of /proc/self/fd: what a test compares before and after, to see
 * that the module leaves no descriptor open. */
static inline int open_fds(void)
{
	int count = 0;
	DIR *dir = opendir("/proc/self/fd");

	ck_assert_ptr_nonnull(dir);
	while (readdir(dir))
		count++;
	closedir(dir);
	return count;
}

#endif
