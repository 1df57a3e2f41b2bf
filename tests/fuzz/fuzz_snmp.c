/*
 * libFuzzer target: the SNMP response and trap decoding path.  Bytes are
 * parsed as a PDU by net-snmp, then go through our conversion of every
 * varbind, their display, and the trap decoder and its display.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "snmp.h"
#include "snmpval.h"
#include "trap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	netsnmp_pdu *pdu;
	netsnmp_variable_list *v;
	struct snmp_vb vb;
	struct trap t;
	u_char *copy;
	size_t len = size;
	char out[512];

	if (!ready) {
		snmp_library_init();
		ready = 1;
	}
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	pdu = snmp_pdu_create(0);
	pdu->version = SNMP_VERSION_2c;
	if (snmp_pdu_parse(pdu, copy, &len) == 0) {
		for (v = pdu->variables; v != NULL; v = v->next_variable)
			if (snmpval_from_netsnmp(v, &vb) == 0) {
				snmpval_format(&vb, out, sizeof(out));
				if (memchr(out, '\0', sizeof(out)) == NULL)
					__builtin_trap();
				snmpval_clear(&vb);
			}
		if (trap_from_pdu(pdu, "fuzz", &t) == 0) {
			trap_format(&t, out, sizeof(out));
			trap_clear(&t);
		}
	}
	snmp_free_pdu(pdu);
	free(copy);
	return 0;
}
