/* libFuzzer target: the capture frame decoder over every link type it knows. */
#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = { DLT_EN10MB, DLT_LINUX_SLL,
	    DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6 };
	struct capture_pkt pk;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (capture_decode(types[i], data, size, &pk) == 0 &&
		    memchr(pk.src, '\0', sizeof(pk.src)) == NULL)
			__builtin_trap();
	return 0;
}
