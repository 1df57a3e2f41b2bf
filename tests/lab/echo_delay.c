/*
 * Lab helper: answer IPv4 echo requests after a fixed delay, standing in
 * for netem (absent from this kernel).  Run it inside a lab namespace with
 * net.ipv4.icmp_echo_ignore_all=1.  Exits after -T seconds (bounded).
 *   echo_delay -d MS [-T SECONDS]
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QLEN	8192
#define MAXPKT	1500

struct pending {
	double			due;
	struct sockaddr_in	to;
	struct in_addr		from;	/* the address that was pinged */
	size_t			len;
	uint8_t			pkt[MAXPKT];
};

static struct pending q[QLEN];
static size_t qhead, qtail;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint16_t
cksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
receive(int fd, double delay)
{
	uint8_t buf[65536];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;
	size_t hl, il;
	struct pending *p;
	uint16_t ck;

	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fl);
	if (n < 20)
		return;
	hl = (size_t)(buf[0] & 0x0f) * 4;
	if ((size_t)n < hl + 8 || buf[hl] != ICMP_ECHO)
		return;
	il = (size_t)n - hl;
	if (il > MAXPKT || (qtail + 1) % QLEN == qhead)
		return;		/* queue full: drop, as a real link would */
	p = &q[qtail];
	qtail = (qtail + 1) % QLEN;
	memcpy(p->pkt, buf + hl, il);
	p->pkt[0] = ICMP_ECHOREPLY;
	p->pkt[2] = p->pkt[3] = 0;
	ck = cksum(p->pkt, il);
	p->pkt[2] = (uint8_t)(ck >> 8);
	p->pkt[3] = (uint8_t)ck;
	p->len = il;
	p->to = from;
	memcpy(&p->from, buf + 16, sizeof(p->from));
	p->due = now_ms() + delay;
}

/* The reply leaves from the address that was pinged (a lab host holds
 * several), as the kernel's own echo reply would. */
static void
send_reply(int fd, struct pending *p)
{
	union {
		struct cmsghdr	h;
		char		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} ctl;
	struct iovec iov = { p->pkt, p->len };
	struct msghdr m;
	struct cmsghdr *c;
	struct in_pktinfo pi;

	memset(&m, 0, sizeof(m));
	memset(&ctl, 0, sizeof(ctl));
	memset(&pi, 0, sizeof(pi));
	pi.ipi_spec_dst = p->from;
	m.msg_name = &p->to;
	m.msg_namelen = sizeof(p->to);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.buf;
	m.msg_controllen = sizeof(ctl.buf);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	(void)sendmsg(fd, &m, 0);
}

int
main(int argc, char **argv)
{
	double delay = 80, life = 600, end, t;
	struct pollfd pfd;
	int ch, fd, timeout;

	while ((ch = getopt(argc, argv, "d:T:")) != -1) {
		if (ch == 'd')
			delay = atof(optarg);
		else if (ch == 'T')
			life = atof(optarg);
		else {
			fprintf(stderr, "usage: echo_delay -d MS [-T SECONDS]\n");
			return 2;
		}
	}
	if ((fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)) == -1) {
		perror("echo_delay: socket");
		return 1;
	}
	end = now_ms() + life * 1000;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while ((t = now_ms()) < end) {
		while (qhead != qtail && q[qhead].due <= t) {
			send_reply(fd, &q[qhead]);
			qhead = (qhead + 1) % QLEN;
		}
		timeout = qhead != qtail ? (int)(q[qhead].due - t) + 1 : 100;
		if (poll(&pfd, 1, timeout) > 0)
			receive(fd, delay);
	}
	return 0;
}
