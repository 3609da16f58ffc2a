/*
 * musl_query.c - services lookups through musl's libc, built with
 * musl-gcc by tests/system/test_bypass.sh: musl reads /etc/services
 * itself (128-byte lines, the first matching line answers), never NSS.
 *
 *   in:  "name NAME PROTO" or "port NUMBER PROTO" (tcp or udp)
 *   out: for a name, "PORT/PROTO"; for a port, "NAME/PROTO"; "-" when
 *        musl finds none.  (musl answers a name with the name asked and
 *        no aliases, so only the port and the name can be compared.)
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char line[1024], kind[8], key[512], proto[64];

	while (fgets(line, sizeof line, stdin)) {
		if (sscanf(line, "%7s %511s %63s", kind, key, proto) != 3) {
			fprintf(stderr, "bad query: %s", line);
			return 2;
		}
		/* The reentrant calls: musl's getservbyport() has room for
		 * 15-byte names only. */
		static char buffer[4096];
		struct servent result, *s = NULL;
		if (strcmp(kind, "port") == 0)
			getservbyport_r(htons((uint16_t)atoi(key)), proto, &result,
					buffer, sizeof buffer, &s);
		else
			getservbyname_r(key, proto, &result, buffer, sizeof buffer, &s);
		if (!s)
			puts("-");
		else if (strcmp(kind, "port") == 0)
			printf("%s/%s\n", s->s_name, s->s_proto);
		else
			printf("%d/%s\n", ntohs(s->s_port), s->s_proto);
	}
	return 0;
}
