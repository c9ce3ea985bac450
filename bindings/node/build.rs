//! Build script: napi linker setup.

fn main() {
    napi_build::setup();
}
