#ifndef CPCAP_SHIM_H
#define CPCAP_SHIM_H
// libpcap needs no wrappers today: every call Swift makes is a plain C function.
#include <pcap/pcap.h>
#endif
