/*
 * floor.c - libnss_floor.so.2, the cheapest services module glibc can call.
 *
 * Benchmark-only.  Every by-name and by-port lookup answers the same
 * constant entry, copied into the caller's buffer the way a real module
 * must, so that timing `services: floor` measures what glibc itself costs
 * around a module call (nsswitch.conf stat, dispatch, errno handling).  No
 * real module can be faster; the bench reports our module against it.
 *
 * The protocols database likewise: every lookup answers one constant
 * protoent, and a walk returns it NSS_FLOOR_PROTO_WALK times.
 *
 * A walk returns the constant entry NSS_FLOOR_WALK times (0 if unset): the
 * bench sets it to the registry's entry count, so that the floor's walk
 * shows what glibc's getservent_r machinery alone costs for that many
 * entries.  The walk target itself compares iana with nss_files.
 */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum nss_status _nss_floor_getservbyname_r(const char *name, const char *proto,
					   struct servent *result, char *buffer,
					   size_t buflen, int *errnop);
enum nss_status _nss_floor_getservbyport_r(int port, const char *proto,
					   struct servent *result, char *buffer,
					   size_t buflen, int *errnop);
enum nss_status _nss_floor_setservent(int stayopen);
enum nss_status _nss_floor_getservent_r(struct servent *result, char *buffer,
					size_t buflen, int *errnop);
enum nss_status _nss_floor_endservent(void);

static const char floor_name[] = "https";
static const char floor_proto[] = "tcp";
enum { FLOOR_PORT = 443 };

/* Same work as a real answer: an aligned alias array, then the strings. */
static enum nss_status fill_constant(struct servent *result, char *buffer,
				     size_t buflen, int *errnop)
{
	size_t pad = (uintptr_t)buffer % sizeof(char *);
	pad = pad ? sizeof(char *) - pad : 0;
	size_t need = pad + sizeof(char *) + sizeof floor_name + sizeof floor_proto;
	if (buflen < need) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	char **aliases = (char **)(void *)(buffer + pad);
	char *strings = buffer + pad + sizeof(char *);
	aliases[0] = NULL;
	memcpy(strings, floor_name, sizeof floor_name);
	memcpy(strings + sizeof floor_name, floor_proto, sizeof floor_proto);
	result->s_name = strings;
	result->s_aliases = aliases;
	result->s_port = htons(FLOOR_PORT);
	result->s_proto = strings + sizeof floor_name;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_floor_getservbyname_r(const char *name, const char *proto,
					   struct servent *result, char *buffer,
					   size_t buflen, int *errnop)
{
	(void)name;
	(void)proto;
	return fill_constant(result, buffer, buflen, errnop);
}

enum nss_status _nss_floor_getservbyport_r(int port, const char *proto,
					   struct servent *result, char *buffer,
					   size_t buflen, int *errnop)
{
	(void)port;
	(void)proto;
	return fill_constant(result, buffer, buflen, errnop);
}

/* Entries left in the current walk.  The bench walks from one thread. */
static unsigned long walk_left;

enum nss_status _nss_floor_setservent(int stayopen)
{
	(void)stayopen;
	const char *count = getenv("NSS_FLOOR_WALK");
	walk_left = count ? strtoul(count, NULL, 10) : 0;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_floor_getservent_r(struct servent *result, char *buffer,
					size_t buflen, int *errnop)
{
	if (walk_left == 0) {
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	enum nss_status status = fill_constant(result, buffer, buflen, errnop);
	if (status == NSS_STATUS_SUCCESS)
		walk_left--;
	return status;
}

enum nss_status _nss_floor_endservent(void)
{
	walk_left = 0;
	return NSS_STATUS_SUCCESS;
}

/* ---- protocols ------------------------------------------------------------ */

enum nss_status _nss_floor_getprotobyname_r(const char *name, struct protoent *result,
					    char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_floor_getprotobynumber_r(int number, struct protoent *result,
					      char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_floor_setprotoent(int stayopen);
enum nss_status _nss_floor_getprotoent_r(struct protoent *result, char *buffer,
					 size_t buflen, int *errnop);
enum nss_status _nss_floor_endprotoent(void);

static const char floor_proto_name[] = "tcp";
static const char floor_proto_alias[] = "TCP";

static enum nss_status fill_constant_protoent(struct protoent *result, char *buffer,
					      size_t buflen, int *errnop)
{
	size_t pad = (uintptr_t)buffer % sizeof(char *);
	pad = pad ? sizeof(char *) - pad : 0;
	size_t need = pad + 2 * sizeof(char *) + sizeof floor_proto_name +
		      sizeof floor_proto_alias;
	if (buflen < need) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	char **aliases = (char **)(void *)(buffer + pad);
	char *strings = buffer + pad + 2 * sizeof(char *);
	memcpy(strings, floor_proto_name, sizeof floor_proto_name);
	memcpy(strings + sizeof floor_proto_name, floor_proto_alias, sizeof floor_proto_alias);
	aliases[0] = strings + sizeof floor_proto_name;
	aliases[1] = NULL;
	result->p_name = strings;
	result->p_aliases = aliases;
	result->p_proto = 6;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_floor_getprotobyname_r(const char *name, struct protoent *result,
					    char *buffer, size_t buflen, int *errnop)
{
	(void)name;
	return fill_constant_protoent(result, buffer, buflen, errnop);
}

enum nss_status _nss_floor_getprotobynumber_r(int number, struct protoent *result,
					      char *buffer, size_t buflen, int *errnop)
{
	(void)number;
	return fill_constant_protoent(result, buffer, buflen, errnop);
}

static unsigned long proto_walk_left;

enum nss_status _nss_floor_setprotoent(int stayopen)
{
	(void)stayopen;
	const char *count = getenv("NSS_FLOOR_PROTO_WALK");
	proto_walk_left = count ? strtoul(count, NULL, 10) : 0;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_floor_getprotoent_r(struct protoent *result, char *buffer,
					 size_t buflen, int *errnop)
{
	if (proto_walk_left == 0) {
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	enum nss_status status = fill_constant_protoent(result, buffer, buflen, errnop);
	if (status == NSS_STATUS_SUCCESS)
		proto_walk_left--;
	return status;
}

enum nss_status _nss_floor_endprotoent(void)
{
	proto_walk_left = 0;
	return NSS_STATUS_SUCCESS;
}
