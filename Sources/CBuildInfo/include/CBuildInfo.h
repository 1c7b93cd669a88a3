// What the build knows about itself: `make release` passes -Xcc -DHERALD_COMMIT='"…"'.
#ifndef HERALD_BUILD_INFO_H
#define HERALD_BUILD_INFO_H

#ifndef HERALD_COMMIT
#define HERALD_COMMIT ""
#endif

/// The git commit Herald was built from, or "" when the build was not told.
static inline const char *herald_build_commit(void) { return HERALD_COMMIT; }

#endif
