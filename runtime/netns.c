#include "runtime/netns.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int rl_loopback_up(struct rl_error *err)
{
	struct ifreq ifr = {0};
	int fd, r = 0;

	/* Any socket of the namespace serves for the interface ioctls. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rl_error_set(err, errno, "bring up \"lo\": socket");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		r = rl_error_set(err, errno, "bring up \"lo\": read its flags");
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			r = rl_error_set(err, errno, "bring up \"lo\"");
	}
	close(fd);
	return r;
}
