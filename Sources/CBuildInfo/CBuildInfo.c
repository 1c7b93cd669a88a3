// The header carries everything; SwiftPM needs a source file for a C target.
#include "CBuildInfo.h"
