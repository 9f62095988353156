/* Word tables: abbreviations written with a period, and month names. Kept apart from the
 * rules so the sentence splitter and the normaliser agree on what an abbreviation is. */
#include "synth/text/text_internal.h"

#include <string.h>
#include <strings.h>

typedef struct {
    const char *abbr; /* as written, without the final period */
    const char *spoken;
    int title;        /* precedes a name: never ends a sentence */
    int fold;         /* match case-insensitively */
} abbreviation;

/* "St" and "Dr" also mean street/drive after a name; the rules handle that context. */
static const abbreviation abbreviations[] = {
    {"Mr", "mister", 1, 0},          {"Mrs", "missus", 1, 0},
    {"Ms", "miz", 1, 0},             {"Dr", "doctor", 1, 0},
    {"St", "saint", 1, 0},           {"Prof", "professor", 1, 0},
    {"Mt", "mount", 1, 0},           {"Capt", "captain", 1, 0},
    {"Gen", "general", 1, 0},        {"Lt", "lieutenant", 1, 0},
    {"Col", "colonel", 1, 0},        {"Sgt", "sergeant", 1, 0},
    {"Rev", "reverend", 1, 0},       {"Gov", "governor", 1, 0},
    {"Sen", "senator", 1, 0},        {"Rep", "representative", 1, 0},
    {"Jr", "junior", 0, 0},          {"Sr", "senior", 0, 0},
    {"vs", "versus", 1, 1},          {"etc", "et cetera", 0, 1},
    {"e.g", "for example", 1, 1},    {"i.e", "that is", 1, 1},
    {"cf", "compare", 1, 1},         {"approx", "approximately", 1, 1},
    {"Inc", "incorporated", 0, 0},   {"Ltd", "limited", 0, 0},
    {"Co", "company", 0, 0},         {"Corp", "corporation", 0, 0},
    {"Ave", "avenue", 0, 0},         {"Blvd", "boulevard", 0, 0},
    {"Rd", "road", 0, 0},            {"Fig", "figure", 1, 0},
    {"No", "number", 1, 0},          {"Vol", "volume", 1, 0},
    {"Dept", "department", 0, 0},    {"Univ", "university", 0, 0},
    {"a.m", "AM", 0, 1},             {"p.m", "PM", 0, 1},
};

const char *tf_abbreviation(const char *word, size_t n, int *title)
{
    for (size_t i = 0; i < sizeof abbreviations / sizeof abbreviations[0]; i++) {
        const abbreviation *a = &abbreviations[i];
        if (strlen(a->abbr) != n) continue;
        if (a->fold ? strncasecmp(a->abbr, word, n) : strncmp(a->abbr, word, n)) continue;
        if (title) *title = a->title;
        return a->spoken;
    }
    return NULL;
}

static const char *const months[12] = {"January", "February", "March",     "April",
                                       "May",     "June",     "July",      "August",
                                       "September", "October", "November", "December"};

int tf_month(const char *word, size_t n)
{
    for (int m = 0; m < 12; m++) {
        size_t len = strlen(months[m]);
        if (n == len && !strncasecmp(word, months[m], n)) return m + 1;
        /* Three-letter abbreviations ("Jan"), and "Sept"; "May" is already full. */
        if ((n == 3 || (n == 4 && m == 8)) && !strncasecmp(word, months[m], n) && n < len)
            return m + 1;
    }
    return 0;
}

const char *tf_month_name(int month)
{
    return month >= 1 && month <= 12 ? months[month - 1] : "";
}
