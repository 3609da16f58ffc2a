// go_query.go - net.LookupPort with Go's pure resolver, built with
// -tags netgo by tests/system/test_bypass.sh: Go reads /etc/services
// itself into a map, so the LAST line of a name wins, never NSS.
//
//	in:  "name NAME PROTO" (tcp or udp)
//	out: "PORT/PROTO", or "-" when Go finds none
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strings"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) != 3 || f[0] != "name" {
			fmt.Fprintf(os.Stderr, "bad query: %s\n", in.Text())
			os.Exit(2)
		}
		port, err := net.LookupPort(f[2], f[1])
		if err != nil {
			fmt.Fprintln(out, "-")
		} else {
			fmt.Fprintf(out, "%d/%s\n", port, f[2])
		}
	}
}
