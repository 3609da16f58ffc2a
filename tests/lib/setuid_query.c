/*
 * setuid_query.c - asks the module for one service name, calling its entry
 * point directly, for tests/system/test_setuid.sh.
 *
 *   setuid_query /ABSOLUTE/PATH/libnss_iana.so.2 NAME
 *
 * prints "secure=S env=E status=N name=NAME port=P" (name and port only
 * on success).  S is getauxval(AT_SECURE): 1 when run setuid by another
 * user.  E is 1 if NSS_IANA_DB reached the process at all (getenv), so a
 * test can tell "ignored" from "never passed".
 * The module is loaded by absolute path because a setuid program ignores
 * LD_LIBRARY_PATH, and called directly because glibc would only find it
 * through nsswitch.conf.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>

#include "module/nss_iana.h"

int main(int argc, char **argv)
{
	char buffer[1024];
	struct servent result;
	int error = 0;

	if (argc != 3 || argv[1][0] != '/') {
		fprintf(stderr, "usage: setuid_query /PATH/TO/libnss_iana.so.2 NAME\n");
		return 2;
	}
	void *module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (module == NULL) {
		fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
		return 2;
	}
	__typeof__(_nss_iana_getservbyname_r) *by_name =
		(__typeof__(by_name))dlsym(module, "_nss_iana_getservbyname_r");
	if (by_name == NULL) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 2;
	}
	enum nss_status status = by_name(argv[2], NULL, &result, buffer,
					 sizeof buffer, &error);
	printf("secure=%lu env=%d status=%d", getauxval(AT_SECURE),
	       getenv("NSS_IANA_DB") != NULL, (int)status);
	if (status == NSS_STATUS_SUCCESS)
		printf(" name=%s port=%d", result.s_name, ntohs(result.s_port));
	printf("\n");
	return 0;
}
