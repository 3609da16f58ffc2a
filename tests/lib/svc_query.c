/*
 * svc_query.c - answers service queries through whatever nsswitch.conf
 * says, one line out per line in, so two backends can be compared by diff.
 *
 *   in:  "name NAME PROTO" or "port NUMBER PROTO" ("-" for a NULL proto)
 *   out: "NAME PORT/PROTO ALIAS..." or "-" for not found
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_answer(const struct servent *s)
{
	if (s == NULL) {
		puts("-");
		return;
	}
	printf("%s %d/%s", s->s_name, ntohs(s->s_port), s->s_proto);
	for (char **alias = s->s_aliases; *alias; alias++)
		printf(" %s", *alias);
	putchar('\n');
}

int main(void)
{
	char line[1024], kind[8], key[512], proto[64];
	static char buffer[65536];
	unsigned long count = 0;

	while (fgets(line, sizeof line, stdin)) {
		struct servent result, *found = NULL;
		if (sscanf(line, "%7s %511s %63s", kind, key, proto) != 3) {
			fprintf(stderr, "bad query: %s", line);
			return 2;
		}
		const char *p = strcmp(proto, "-") ? proto : NULL;
		int rc = strcmp(kind, "port") == 0
			? getservbyport_r(htons(atoi(key)), p, &result, buffer,
					  sizeof buffer, &found)
			: getservbyname_r(key, p, &result, buffer, sizeof buffer,
					  &found);
		if (rc != 0) {
			fprintf(stderr, "%s %s %s: error %d\n", kind, key, proto, rc);
			return 1;
		}
		print_answer(found);
		count++;
	}
	fprintf(stderr, "%lu queries\n", count);
	return 0;
}
