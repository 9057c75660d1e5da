#include "cli/app.h"

int main(int argc, char** argv) {
  return eksguard::cli::run(argc, argv);
}
