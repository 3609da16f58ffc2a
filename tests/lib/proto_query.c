/*
 * proto_query.c - answers protocol queries through whatever nsswitch.conf
 * says, one line out per line in, so two backends can be compared by diff.
 *
 *   in:  "name NAME" or "number N" (N a decimal int, negative allowed)
 *   out: "NAME NUMBER ALIAS..." or "-" for not found
 */
#include <netdb.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_answer(const struct protoent *p)
{
	if (p == NULL) {
		puts("-");
		return;
	}
	printf("%s %d", p->p_name, p->p_proto);
	for (char **alias = p->p_aliases; *alias; alias++)
		printf(" %s", *alias);
	putchar('\n');
}

int main(void)
{
	char line[1024], kind[8], key[512];
	static char buffer[65536];

	while (fgets(line, sizeof line, stdin)) {
		struct protoent result, *found = NULL;
		if (sscanf(line, "%7s %511s", kind, key) != 2) {
			fprintf(stderr, "bad query: %s", line);
			return 2;
		}
		int rc = strcmp(kind, "number") == 0
			? getprotobynumber_r((int)strtol(key, NULL, 10), &result,
					     buffer, sizeof buffer, &found)
			: getprotobyname_r(key, &result, buffer, sizeof buffer,
					   &found);
		if (rc != 0 && rc != ENOENT) {
			fprintf(stderr, "%s %s: error %d\n", kind, key, rc);
			return 1;
		}
		print_answer(found);
	}
	return 0;
}
