/* libFuzzer target: the ICMP reply parsers (raw IPv4, datagram IPv4, v6). */
#include <stddef.h>
#include <stdint.h>

#include "icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmp_msg m;

	if (icmp_parse4(data, size, 1, &m) == 0 &&
	    m.kind == ICMP_KIND_ECHO_REPLY && m.payload + m.payload_len >
	    data + size)
		__builtin_trap();
	(void)icmp_parse4(data, size, 0, &m);
	(void)icmp_parse6(data, size, &m);
	return 0;
}
