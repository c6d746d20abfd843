/* Times ICU's uspoof_getSkeleton on the labels of one file (one a line),
 * for comparison with idnsafe-confusables' skeleton. Built and run by run.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/uversion.h>

#define MAX_LABELS 100000
#define MAX_U16 512

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s LABELS.txt\n", argv[0]); return 2; }
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 2; }
    static UChar labels[MAX_LABELS][MAX_U16];
    static int32_t lens[MAX_LABELS];
    int n = 0;
    char line[2048];
    while (n < MAX_LABELS && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        UErrorCode e = U_ZERO_ERROR;
        u_strFromUTF8(labels[n], MAX_U16, &lens[n], line, -1, &e);
        if (U_SUCCESS(e)) n++;
    }
    fclose(f);
    UErrorCode e = U_ZERO_ERROR;
    USpoofChecker *sc = uspoof_open(&e);
    if (U_FAILURE(e)) { fprintf(stderr, "uspoof_open: %s\n", u_errorName(e)); return 1; }
    UChar out[MAX_U16 * 4];
    long sink = 0;
    int rounds = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < n; i++) {
            e = U_ZERO_ERROR;
            sink += uspoof_getSkeleton(sc, 0, labels[i], lens[i], out, MAX_U16 * 4, &e);
        }
        rounds++;
        t = now() - t0;
    } while (t < 3.0);
    UVersionInfo v;
    u_getUnicodeVersion(v);
    printf("%s: %d labels, ICU %s (Unicode %d.%d), uspoof_getSkeleton %.1f ns/label (sink %ld)\n",
           argv[1], n, U_ICU_VERSION, v[0], v[1], t * 1e9 / ((double)rounds * n), sink);
    uspoof_close(sc);
    return 0;
}
