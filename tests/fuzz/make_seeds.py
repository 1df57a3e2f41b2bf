#!/usr/bin/env python3
"""Writes seed PDUs (BER, as snmp_pdu_parse reads them) for fuzz_snmp:
traps with every value type, hostile strings, and a response."""
import os
import sys


def tlv(tag, body):
    n = len(body)
    if n < 128:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


def integer(v, tag=0x02):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True)
    return tlv(tag, b)


def unsigned(v, tag):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return tlv(tag, b)


def oid(dotted):
    arcs = [int(x) for x in dotted.strip(".").split(".")]
    out = bytes([40 * arcs[0] + arcs[1]])
    for a in arcs[2:]:
        enc = [a & 0x7F]
        a >>= 7
        while a:
            enc.insert(0, 0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(enc)
    return tlv(0x06, out)


def vb(name, value):
    return tlv(0x30, oid(name) + value)


def pdu(tag, vbs, reqid=1):
    return tlv(tag, integer(reqid) + integer(0) + integer(0) +
               tlv(0x30, b"".join(vbs)))


UPTIME = vb("1.3.6.1.2.1.1.3.0", unsigned(12345, 0x43))


def trap2(trapoid, *rest):
    return pdu(0xA7, [UPTIME, vb("1.3.6.1.6.3.1.1.4.1.0", oid(trapoid))] +
               list(rest))


seeds = {
    "linkdown": trap2("1.3.6.1.6.3.1.1.5.3",
                      vb("1.3.6.1.2.1.2.2.1.1.3", integer(3)),
                      vb("1.3.6.1.2.1.2.2.1.8.3", integer(2))),
    "ups-low": trap2("1.3.6.1.2.1.33.2.3",
                     vb("1.3.6.1.2.1.33.1.6.2.1.2.1",
                        oid("1.3.6.1.2.1.33.1.6.3.3"))),
    "hostile": trap2("1.3.6.1.6.3.1.1.5.1",
                     vb("1.3.6.1.2.1.1.5.0",
                        tlv(0x04, b"<script>alert(1)</script>\x1b[2J\xff\xfe"))),
    "types": pdu(0xA2, [
        vb("1.3.6.1.2.1.2.2.1.10.1", unsigned(4294967295, 0x41)),
        vb("1.3.6.1.2.1.31.1.1.1.6.1", unsigned(2 ** 64 - 1, 0x46)),
        vb("1.3.6.1.2.1.2.2.1.5.1", unsigned(1000000000, 0x42)),
        vb("1.3.6.1.4.1.9.1", tlv(0x40, bytes([198, 51, 100, 7]))),
        vb("1.3.6.1.4.1.9.2", tlv(0x44, b"\x9f\x78\x04\x3f\x80\x00\x00")),
        vb("1.3.6.1.4.1.9.3", tlv(0x05, b"")),
        vb("1.3.6.1.4.1.9.4", tlv(0x80, b"")),
        vb("1.3.6.1.4.1.9.5", tlv(0x81, b"")),
        vb("1.3.6.1.4.1.9.6", tlv(0x82, b"")),
        vb("1.3.6.1.2.1.1.1.0", tlv(0x04, b"A" * 3000)),
    ]),
    "inform-ap": pdu(0xA6, [UPTIME,
                            vb("1.3.6.1.6.3.1.1.4.1.0",
                               oid("1.3.6.1.4.1.14179.2.6.3.8")),
                            vb("1.3.6.1.4.1.14179.2.2.1.1.3.0",
                               tlv(0x04, b"ap-hall"))]),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name + ".bin"), "wb") as f:
        f.write(data)
