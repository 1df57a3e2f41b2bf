#!/usr/bin/env python3
"""Lab helper: a UDP relay that delays both directions, standing in for a
slow SNMP agent (this kernel has no netem).  Bounded lifetime.

  udp_delay.py LISTEN_ADDR PORT BACKEND_ADDR BACKEND_PORT DELAY_S [LIFETIME_S]
"""
import asyncio
import sys


class Relay(asyncio.DatagramProtocol):
    def __init__(self, backend, delay):
        self.backend = backend
        self.delay = delay
        self.clients = {}

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        loop = asyncio.get_running_loop()
        loop.call_later(self.delay, self.forward, data, addr)

    def forward(self, data, addr):
        loop = asyncio.get_running_loop()
        if addr not in self.clients:
            relay = self

            class Back(asyncio.DatagramProtocol):
                def datagram_received(self, reply, _):
                    loop.call_later(relay.delay, relay.transport.sendto,
                                    reply, addr)

            self.clients[addr] = loop.create_datagram_endpoint(
                Back, remote_addr=self.backend)
        asyncio.ensure_future(self.send(addr, data))

    async def send(self, addr, data):
        ep = self.clients[addr]
        if not isinstance(ep, tuple):
            ep = await ep
            self.clients[addr] = ep
        ep[0].sendto(data)


async def main():
    addr, port, baddr, bport, delay = sys.argv[1:6]
    life = float(sys.argv[6]) if len(sys.argv) > 6 else 300
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(
        lambda: Relay((baddr, int(bport)), float(delay)),
        local_addr=(addr, int(port)))
    await asyncio.sleep(life)


asyncio.run(main())
