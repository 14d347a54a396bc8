#include "runtime/netdev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* ---- rtnetlink ----------------------------------------------------------- */

struct nlreq {
	struct nlmsghdr n;
	union {
		struct ifinfomsg i;
		struct ifaddrmsg a;
	} u;
	char attrs[256];
};

#define RECV_MAX 32768

static int nl_open(struct rl_error *err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), one = 1;

	if (fd < 0)
		return rl_error_set(err, errno, "linux.netDevices: rtnetlink socket");
	/* the kernel's own words for a refusal, where it has them */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

static void add_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* The text of an extended ack (NLMSGERR_ATTR_MSG), or "". */
static const char *ext_ack_msg(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct rtattr *a;
	int len;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return "";
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off >= h->nlmsg_len)
		return "";
	a = (const struct rtattr *)((const char *)h + off);
	len = (int)(h->nlmsg_len - off);
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == NLMSGERR_ATTR_MSG && RTA_PAYLOAD(a) > 0 &&
		    ((const char *)RTA_DATA(a))[RTA_PAYLOAD(a) - 1] == '\0')
			return RTA_DATA(a);
	return "";
}

/* Sends r and reads until its answer.  each: called for every other
 * message (a dump's); 0 when done, or -errno with *why the kernel's text. */
static int nl_talk(int fd, struct nlreq *r, void (*each)(const struct nlmsghdr *, void *),
		   void *arg, char *why, size_t why_len)
{
	static uint32_t seq;
	char *buf;
	int ret = -EPROTO;

	r->n.nlmsg_seq = ++seq;
	why[0] = '\0';
	if (send(fd, r, r->n.nlmsg_len, 0) < 0)
		return -errno;
	buf = malloc(RECV_MAX);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = recv(fd, buf, RECV_MAX, 0);
		int len = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EPROTO;
			break;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != r->n.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				ret = 0;
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				snprintf(why, why_len, "%s", ext_ack_msg(h));
				ret = e->error;
				goto out;
			}
			if (each)
				each(h, arg);
		}
	}
out:
	free(buf);
	return ret;
}

static void req_init(struct nlreq *r, unsigned short type, unsigned short flags, size_t body)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | flags;
}

/* "name: what: strerror (the kernel's words)" */
static int nl_error(struct rl_error *err, int neg, const char *why, const char *host,
		    const char *what)
{
	return rl_error_set(err, -neg, "config.json: linux.netDevices.%s: %s%s%s%s", host, what,
			    why[0] ? " (" : "", why, why[0] ? ")" : "");
}

/* ---- addresses ----------------------------------------------------------- */

struct addr {
	struct ifaddrmsg a;
	unsigned char local[16], address[16], broadcast[16];
	size_t len; /* of each address: 4 or 16 */
	bool has_local, has_address, has_broadcast;
	uint32_t flags;
};

struct addrs {
	int index;
	struct addr *v;
	size_t n;
	bool nomem;
};

/* config-linux.md: the permanent addresses of global scope go with the
 * device (a move drops every address). */
static void keep_addr(const struct nlmsghdr *h, void *arg)
{
	struct addrs *s = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *a = IFA_RTA(ifa);
	int len = (int)IFA_PAYLOAD(h);
	struct addr x = {.a = *ifa, .flags = ifa->ifa_flags};
	struct addr *v;

	if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != s->index ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return;
	x.len = ifa->ifa_family == AF_INET ? 4 : 16;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		bool fits = RTA_PAYLOAD(a) == x.len;

		if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) == sizeof(uint32_t))
			memcpy(&x.flags, RTA_DATA(a), sizeof(uint32_t));
		else if (a->rta_type == IFA_LOCAL && fits)
			x.has_local = true, memcpy(x.local, RTA_DATA(a), x.len);
		else if (a->rta_type == IFA_ADDRESS && fits)
			x.has_address = true, memcpy(x.address, RTA_DATA(a), x.len);
		else if (a->rta_type == IFA_BROADCAST && fits)
			x.has_broadcast = true, memcpy(x.broadcast, RTA_DATA(a), x.len);
	}
	if (!(x.flags & IFA_F_PERMANENT))
		return;
	v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v) {
		s->nomem = true;
		return;
	}
	s->v = v;
	s->v[s->n++] = x;
}

static int dump_addrs(int fd, struct addrs *s, const char *host, struct rl_error *err)
{
	struct nlreq r;
	char why[256];
	int rc;

	req_init(&r, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg));
	r.u.a.ifa_family = AF_UNSPEC;
	rc = nl_talk(fd, &r, keep_addr, s, why, sizeof(why));
	if (rc < 0)
		return nl_error(err, rc, why, host, "list its addresses");
	if (s->nomem)
		return rl_error_set(err, ENOMEM, "linux.netDevices.%s: addresses", host);
	return 0;
}

static int add_addr(int fd, const struct addr *x, int index, const char *host, struct rl_error *err)
{
	struct nlreq r;
	char why[256], text[INET6_ADDRSTRLEN], what[128];
	uint32_t flags = x->flags & ~(uint32_t)IFA_F_TENTATIVE;
	int rc;

	req_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, sizeof(struct ifaddrmsg));
	r.u.a = x->a;
	r.u.a.ifa_index = (unsigned)index;
	r.u.a.ifa_flags = (unsigned char)flags;
	if (x->has_local)
		add_attr(&r, IFA_LOCAL, x->local, x->len);
	if (x->has_address)
		add_attr(&r, IFA_ADDRESS, x->address, x->len);
	if (x->has_broadcast)
		add_attr(&r, IFA_BROADCAST, x->broadcast, x->len);
	add_attr(&r, IFA_FLAGS, &flags, sizeof(flags));
	rc = nl_talk(fd, &r, NULL, NULL, why, sizeof(why));
	if (rc == 0)
		return 0;
	inet_ntop(x->a.ifa_family, x->has_local ? x->local : x->address, text, sizeof(text));
	snprintf(what, sizeof(what), "add its address %s/%u in the container", text,
		 x->a.ifa_prefixlen);
	return nl_error(err, rc, why, host, what);
}

/* ---- links --------------------------------------------------------------- */

struct link {
	int index;
	unsigned char mac[32];
	size_t mac_len;
};

static void read_link(const struct nlmsghdr *h, void *arg)
{
	struct link *l = arg;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *a = IFLA_RTA(ifi);
	int len = (int)IFLA_PAYLOAD(h);

	if (h->nlmsg_type != RTM_NEWLINK)
		return;
	l->index = ifi->ifi_index;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(a) <= sizeof(l->mac)) {
			l->mac_len = RTA_PAYLOAD(a);
			memcpy(l->mac, RTA_DATA(a), l->mac_len);
		}
}

/* One link, by index or (index 0) by name: 0, or -errno (-ENODEV). */
static int get_link(int fd, int index, const char *name, struct link *l, char *why, size_t why_len)
{
	struct nlreq r;

	memset(l, 0, sizeof(*l));
	req_init(&r, RTM_GETLINK, NLM_F_ACK, sizeof(struct ifinfomsg));
	r.u.i.ifi_index = index;
	if (!index)
		add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	return nl_talk(fd, &r, read_link, l, why, why_len);
}

/* A socket of the namespace nsfd, made there and used from here. */
static int nl_open_in(int nsfd, struct rl_error *err)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd;

	if (self < 0)
		return rl_error_set(err, errno, "linux.netDevices: open our network namespace");
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		rl_error_set(err, errno,
			     "linux.netDevices: enter the container's network namespace");
		close(self);
		return -1;
	}
	fd = nl_open(err);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* never seen: we were there a moment ago */
		rl_error_set(err, errno, "linux.netDevices: back to our network namespace");
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	close(self);
	return fd;
}

/* ---- the whole ----------------------------------------------------------- */

int rl_netdev_check(const struct rl_linux *lx, struct rl_error *err)
{
	for (size_t i = 0; lx && i < lx->n_net_devices; i++)
		if (!if_nametoindex(lx->net_devices[i].host))
			return rl_error_set(err, 0,
					    "config.json: linux.netDevices.%s: no such network "
					    "interface here",
					    lx->net_devices[i].host);
	return 0;
}

/* After a failed move: the device, if it is in the container after all
 * (same index, same MAC), goes back to our namespace under its name, with
 * its addresses.  Best effort: the error already says what went wrong. */
static void move_back(int ctr_fd, const struct link *before, const char *host,
		      const struct addrs *s)
{
	struct link there;
	struct nlreq r;
	char why[256];
	int self, host_fd;

	if (get_link(ctr_fd, before->index, NULL, &there, why, sizeof(why)) < 0 ||
	    there.mac_len != before->mac_len || memcmp(there.mac, before->mac, there.mac_len))
		return;
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return;
	req_init(&r, RTM_NEWLINK, NLM_F_ACK, sizeof(struct ifinfomsg));
	r.u.i.ifi_index = there.index;
	add_attr(&r, IFLA_NET_NS_FD, &self, sizeof(self));
	add_attr(&r, IFLA_IFNAME, host, strlen(host) + 1);
	if (nl_talk(ctr_fd, &r, NULL, NULL, why, sizeof(why)) == 0) {
		struct rl_error ignored = {0};

		struct link back;

		host_fd = nl_open(&ignored);
		if (host_fd >= 0 && get_link(host_fd, 0, host, &back, why, sizeof(why)) == 0)
			for (size_t i = 0; i < s->n; i++)
				add_addr(host_fd, &s->v[i], back.index, host, &ignored);
		if (host_fd >= 0)
			close(host_fd);
	}
	close(self);
}

/* Moves one device: RTM_NEWLINK on its index with the target namespace,
 * the new name and IFF_UP in one message (the kernel moves, renames, then
 * sets the flags), then its addresses in the container's namespace. */
static int move_one(int host_fd, int ctr_fd, int nsfd, const struct rl_net_device *d,
		    struct rl_error *err)
{
	const char *name = d->name ? d->name : d->host;
	struct addrs s = {0};
	struct link before, after;
	struct nlreq r;
	char why[256];
	int rc = get_link(host_fd, 0, d->host, &before, why, sizeof(why));

	if (rc < 0)
		return nl_error(err, rc, why, d->host, "no such network interface here");
	if (!strchr(name, '%') && get_link(ctr_fd, 0, name, &after, why, sizeof(why)) == 0)
		return rl_error_set(err, EEXIST,
				    "config.json: linux.netDevices.%s: the container has an "
				    "interface named \"%s\" already",
				    d->host, name);
	s.index = before.index;
	if (dump_addrs(host_fd, &s, d->host, err) < 0)
		goto fail;
	req_init(&r, RTM_NEWLINK, NLM_F_ACK, sizeof(struct ifinfomsg));
	r.u.i.ifi_index = before.index;
	r.u.i.ifi_flags = IFF_UP;
	r.u.i.ifi_change = IFF_UP;
	add_attr(&r, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
	add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	rc = nl_talk(host_fd, &r, NULL, NULL, why, sizeof(why));
	if (rc < 0) {
		char what[128];

		snprintf(what, sizeof(what), "move it into the container as \"%s\"", name);
		nl_error(err, rc, why, d->host, what);
		/* The kernel moves first and renames after: a refused name
		 * can leave the device in the container, to be lost with it. */
		move_back(ctr_fd, &before, d->host, &s);
		goto fail;
	}
	/* A template name is only known to the kernel; the index stays the
	 * same unless the namespace had it taken, which the MAC tells. */
	rc = strchr(name, '%') ? get_link(ctr_fd, before.index, NULL, &after, why, sizeof(why))
			       : get_link(ctr_fd, 0, name, &after, why, sizeof(why));
	if (rc == 0 && strchr(name, '%') &&
	    (after.mac_len != before.mac_len || memcmp(after.mac, before.mac, after.mac_len)))
		rc = -ENODEV;
	if (rc < 0) {
		nl_error(err, rc, why, d->host, "moved, but not found in the container");
		goto fail;
	}
	for (size_t i = 0; i < s.n; i++)
		if (add_addr(ctr_fd, &s.v[i], after.index, d->host, err) < 0)
			goto fail;
	free(s.v);
	return 0;
fail:
	free(s.v);
	return -1;
}

int rl_netdev_move(const struct rl_linux *lx, pid_t pid, struct rl_error *err)
{
	char path[64];
	int nsfd, host_fd = -1, ctr_fd = -1, r = -1;

	if (!lx || !lx->n_net_devices)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return rl_error_set(err, errno, "linux.netDevices: open \"%s\"", path);
	host_fd = nl_open(err);
	if (host_fd >= 0)
		ctr_fd = nl_open_in(nsfd, err);
	if (ctr_fd >= 0) {
		r = 0;
		for (size_t i = 0; r == 0 && i < lx->n_net_devices; i++)
			r = move_one(host_fd, ctr_fd, nsfd, &lx->net_devices[i], err);
	}
	if (ctr_fd >= 0)
		close(ctr_fd);
	if (host_fd >= 0)
		close(host_fd);
	close(nsfd);
	return r;
}
