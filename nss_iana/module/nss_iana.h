/*
 * nss_iana.h - the entry points libnss_iana.so.2 exports, as glibc's NSS
 * calls them (services and protocols databases).  Tests and fuzzers call them directly.
 */
#ifndef NSS_IANA_NSS_IANA_H
#define NSS_IANA_NSS_IANA_H

#include <netdb.h>
#include <nss.h>
#include <stddef.h>

/* `port` is in network byte order, as in struct servent. */
enum nss_status _nss_iana_getservbyname_r(const char *name, const char *proto,
					  struct servent *result, char *buffer,
					  size_t buflen, int *errnop);
enum nss_status _nss_iana_getservbyport_r(int port, const char *proto,
					  struct servent *result, char *buffer,
					  size_t buflen, int *errnop);
enum nss_status _nss_iana_setservent(int stayopen);
enum nss_status _nss_iana_getservent_r(struct servent *result, char *buffer,
				       size_t buflen, int *errnop);
enum nss_status _nss_iana_endservent(void);

enum nss_status _nss_iana_getprotobyname_r(const char *name,
					   struct protoent *result, char *buffer,
					   size_t buflen, int *errnop);
enum nss_status _nss_iana_getprotobynumber_r(int number,
					     struct protoent *result,
					     char *buffer, size_t buflen,
					     int *errnop);
enum nss_status _nss_iana_setprotoent(int stayopen);
enum nss_status _nss_iana_getprotoent_r(struct protoent *result, char *buffer,
					size_t buflen, int *errnop);
enum nss_status _nss_iana_endprotoent(void);

#endif
