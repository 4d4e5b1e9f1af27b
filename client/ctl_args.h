/*
 * ctl_args.h - vdsctl's command line for people: the word a typo probably
 * meant ("lsit" -> "list"), and unknown --options named with a suggestion.
 */
#ifndef VDS_CTL_ARGS_H
#define VDS_CTL_ARGS_H

#include <stddef.h>

/* The word of the space-separated list words (a leading '!' on a word is
 * ignored) nearest to typed by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbours), when it is near enough to be
 * a typo; NULL otherwise.  The word is copied to buf. */
const char *ctl_suggest(const char *typed, const char *words, char *buf, size_t len);
/* " (did you mean 'W'?)" with W from ctl_suggest, or "" when nothing is near;
 * prefix ("--" for options) is put before W and before each word compared. */
const char *ctl_did_you_mean(const char *typed, const char *words, const char *prefix, char *buf,
                             size_t len);

#endif
