/*
 * testlib.h - what several Check suites need: compiling a fixture CSV into
 * a snapshot file, and loading the built module by path.
 */
#ifndef NSS_IANA_TESTLIB_H
#define NSS_IANA_TESTLIB_H

#include <check.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nss_iana.h"
#include "pipeline.h"

/* Compiles `csv` into `out` through the same code as `nss-iana compile`. */
static inline void compile_fixture(const char *csv, const char *out)
{
	struct compiled compiled;
	char err[512];

	ck_assert_msg(compile_file(csv, &compiled, err, sizeof err) == 0,
		      "%s", err);
	ck_assert_int_eq(write_file_atomic(out, compiled.image.data,
					   compiled.image.size), 0);
	compiled_free(&compiled);
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

#endif
