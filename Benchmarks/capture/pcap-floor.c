/*
 * The floor for offline capture reading: libpcap's pcap_next_ex over a file, touching one byte
 * of each packet so the read cannot be optimised away. Anything netwarden does per packet comes
 * on top of this. Build: gcc -O2 -o pcap-floor pcap-floor.c -lpcap
 *
 * Usage: pcap-floor FILE [STDIO_BUFFER_BYTES]. With a buffer size the file is opened with fopen,
 * given that stdio buffer and handed to pcap_fopen_offline, as netwarden's offline source does
 * (128 KiB); without, libpcap opens it with stdio's default buffer (4 KiB here).
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s FILE [STDIO_BUFFER_BYTES]\n", argv[0]);
        return 64;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pcap;
    if (argc == 3) {
        size_t size = strtoul(argv[2], NULL, 10);
        FILE *file = fopen(argv[1], "rb");
        if (file == NULL) {
            perror(argv[1]);
            return 1;
        }
        setvbuf(file, malloc(size), _IOFBF, size);
        pcap = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    } else {
        pcap = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, errbuf);
    }
    if (pcap == NULL) {
        fprintf(stderr, "%s: %s\n", argv[1], errbuf);
        return 1;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct pcap_pkthdr *header;
    const u_char *data;
    unsigned long long packets = 0, bytes = 0, sum = 0;
    int status;
    while ((status = pcap_next_ex(pcap, &header, &data)) == 1) {
        packets++;
        bytes += header->caplen;
        sum += data[header->caplen / 2];
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (status == PCAP_ERROR) {
        fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(pcap));
        return 1;
    }
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%llu packets, %llu bytes in %.3f s: %.0f packets/s, %.2f Gbit/s (checksum %llu)\n", packets, bytes,
           seconds, packets / seconds, bytes * 8 / seconds / 1e9, sum);
    pcap_close(pcap);
    return 0;
}
