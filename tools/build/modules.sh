# SPDX-License-Identifier: GPL-2.0-only
# tools/build/modules.sh: sourced (not run) by mkinitramfs.sh (the parent's
# initramfs) and mkchildinitramfs.sh (the child's).  What both need to
# assemble an initramfs tree: a static busybox with its applet links,
# dynamic programs with their shared libraries, and kernel modules with
# everything they depend on, out of a kernel unpacked by fetch-kernel.sh.
#
# The caller defines die MESSAGE, sets tmp to a scratch directory, and calls
# these from the root of the tree it assembles (paths below are relative).
# POSIX sh has no local variables: the functions use the globals they name.
# shellcheck shell=sh disable=SC2154

# install_busybox BUSYBOX: bin/busybox and its applet links, refusing a
# dynamic busybox (it would need its libraries, and Debian's plain busybox
# lacks applets the scripts use).  --install would write into the host's /bin.
install_busybox() {
    [ -x "$1" ] || die "no busybox at $1 (make deps installs busybox-static)"
    if ldd "$1" >/dev/null 2>&1; then
        die "$1 is dynamically linked; install busybox-static"
    fi
    cp "$1" bin/busybox
    "$1" --list-full | while read -r path; do
        case $path in
        linuxrc | sbin/init) continue ;; # /init is ours
        esac
        [ -e "$path" ] || ln -s /bin/busybox "$path"
    done
}

# copy_with_libs SRC DST: the program SRC as DST, and the shared libraries
# ldd finds for it (and the dynamic loader) at the paths it was linked
# against.
copy_with_libs() {
    src=$1 dst=$2
    [ -x "$src" ] || die "$src is missing (make deps)"
    # DST may be one of busybox's applet links, which point at the absolute
    # /bin/busybox: copying onto it would write through to the host's.
    rm -f "$dst"
    cp -L "$src" "$dst"
    ldd "$src" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
        while read -r lib; do
            # Keep the paths the binaries were linked against; resolve the
            # host's /lib -> /usr/lib symlinks to plain files.
            mkdir -p ".$(dirname "$lib")"
            [ -e ".$lib" ] || cp -L "$lib" ".$lib"
        done
}

# --- kernel modules ---
# Debian's kernel packages ship no modules.dep (depmod makes it on
# installation), so dependencies are read from each module's own .modinfo
# "depends=" list; .ko.xz/.ko.zst/.ko.gz modules are stored decompressed.

# modules_dir KDIR: set mdir to the one KDIR/modules/VERSION directory and
# kver to VERSION.
modules_dir() {
    mdir=$1
    set -- "$1"/modules/*/
    [ $# -eq 1 ] && [ -d "$1" ] || die "expected exactly one KDIR/modules/VERSION/ in $mdir (make kernels)"
    mdir=${1%/}
    kver=$(basename "$mdir")
}

# modules_init: index what the package has and start empty lists:
# $tmp/loaded (stored modules, dependencies first), $tmp/builtin (wanted
# but built into the kernel), $tmp/missing (wanted, neither).
modules_init() {
    mkdir -p "lib/modules/$kver"
    # Index of what the package has: "name path" (name with - as _).
    find "$mdir/kernel" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' |
        sed 's|^\(.*/\([^/]*\)\.ko\(\.[a-z]*\)\{0,1\}\)$|\2 \1|' |
        awk '{ gsub("-", "_", $1); print }' > "$tmp/index"
    builtin=""
    [ -f "$mdir/modules.builtin" ] &&
        builtin=$(sed 's|.*/||; s|\.ko$||; s|-|_|g' "$mdir/modules.builtin")
    : > "$tmp/seen"
    : > "$tmp/builtin"
    : > "$tmp/missing"
    : > "$tmp/loaded"
}

is_builtin() {
    echo "$builtin" | grep -qx "$1"
}

# store PATH: put module PATH into the tree (same relative path, decompressed
# to .ko); prints where.
store() {
    rel=${1#"$mdir"/}
    rel=${rel%.xz}
    rel=${rel%.zst}
    rel=${rel%.gz}
    dst=lib/modules/$kver/$rel
    mkdir -p "$(dirname "$dst")"
    case $1 in
    *.xz) xz -dc "$1" > "$dst" ;;
    *.zst) zstd -qdc "$1" > "$dst" ;;
    *.gz) gzip -dc "$1" > "$dst" ;;
    *) cp "$1" "$dst" ;;
    esac
    echo "$dst"
}

# depends_of KO: the module names in KO's .modinfo depends= field.
depends_of() {
    objcopy -O binary --only-section=.modinfo "$1" "$tmp/modinfo" 2>/dev/null || return 0
    tr '\0' '\n' < "$tmp/modinfo" | sed -n 's/^depends=//p' | tr ',' ' '
}

# want NAME: store NAME and, first, what it depends on; append the name to
# $tmp/loaded.  $tmp/seen guards against loops and repeats.
want() {
    n=$(echo "$1" | tr - _)
    grep -qx "$n" "$tmp/seen" 2>/dev/null && return 0
    echo "$n" >> "$tmp/seen"
    if is_builtin "$n"; then
        echo "$n" >> "$tmp/builtin"
        return 0
    fi
    src=$(awk -v n="$n" '$1 == n { print $2; exit }' "$tmp/index")
    if [ -z "$src" ]; then
        echo "$n" >> "$tmp/missing"
        return 0
    fi
    ko=$(store "$src")
    # A subshell each: POSIX sh has no local variables, and the recursion
    # would overwrite n (the files carry the results).
    for d in $(depends_of "$ko"); do
        (want "$d")
    done
    echo "$n" >> "$tmp/loaded"
}

# want_list FILE: want every module FILE names (one a line, # comments).
want_list() {
    for m in $(sed 's/#.*//' "$1"); do
        want "$m"
    done
}

# modules_finish BUSYBOX: the kernel's modules.builtin lists and what
# depmod makes of the tree (modules.dep, modules.alias, ...), so that
# modprobe works in the initramfs.
modules_finish() {
    for f in modules.builtin modules.builtin.modinfo; do
        [ ! -f "$mdir/$f" ] || cp "$mdir/$f" "lib/modules/$kver/"
    done
    "$1" depmod -b "$(pwd)" "$kver"
}
