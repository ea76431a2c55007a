"""PyPy only: a structural check of marshal data before ``marshal.loads``.

PyPy's marshal.loads builds a code object without checking its counts, and
a negative count fails an RPython assertion, a count past co_varnames reads
past a list (a segmentation fault): either aborts the whole process, which
nothing can catch.  A damaged container length makes it allocate the length
given (MemoryError, or the OOM killer).  So on PyPy, ``pyc.code_from_pyc``
first walks the marshal data without building anything
(:func:`marshal_damage`), and refuses what would do that.  Everything else
(unknown type codes, bad strings, truncation, ...) PyPy's marshal reports as
an exception, and the walk leaves it to it.

``pyc`` imports this module on PyPy only: CPython's marshal checks its own
code objects.  The walk itself is pure Python and runs anywhere.
"""

__all__ = ["PYPY_CODE_FIELDS", "Damage", "marshal_damage"]

#: PyPy's marshalled code object after its type byte and six 32-bit ints
#: (argcount, posonlyargcount, kwonlyargcount, nlocals, stacksize, flags),
#: by magic number: co_code, co_consts, co_names, co_varnames, co_freevars,
#: co_cellvars, co_filename, co_name, co_qualname, co_firstlineno (a bare
#: 32-bit int), co_lnotab and the exception table.
PYPY_CODE_FIELDS = {
    432: ("bytes", "tuple", "tuple", "tuple", "tuple", "tuple", "str", "str",
          "str", "int", "bytes", "bytes"),
}
_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08
_COUNT_NAMES = ("argcount", "posonlyargcount", "kwonlyargcount", "nlocals")
#: Fixed-size payloads, and the kind of object each type code makes.
_FIXED = {"N": 0, "F": 0, "T": 0, "S": 0, ".": 0, "i": 4, "I": 8, "g": 8,
          "y": 16}
_SIZED = {"s": "bytes", "t": "str", "u": "str", "a": "str", "A": "str",
          "z": "str", "Z": "str", "l": "other"}
_CONTAINERS = {"(": "tuple", "[": "list", "<": "set", ">": "frozenset",
               ")": "tuple", "{": "dict"}
#: Containers whose reference slot is empty until they are complete: a
#: reference to one of them from inside is refused (PyPy refuses it for
#: tuples and frozensets, and would hand out a half-built code object).
_REF_AFTER = ("tuple", "frozenset", "code")


class Damage(Exception):
    """Damage found by the walk; *truncated*: a length past the end."""

    def __init__(self, message, truncated=False):
        Exception.__init__(self, message)
        self.truncated = truncated


def marshal_damage(data, pos: int, fields) -> "Damage | None":
    """The first damage in the marshal data at *data[pos:]* that PyPy's
    marshal would not survive or would meet with an allocation of a damaged
    size, as a :class:`Damage`; ``None`` if there is none.

    *fields* is the code object layout (:data:`PYPY_CODE_FIELDS`).  The walk
    is iterative (no recursion limit), builds nothing and reads each byte
    once.  A reference's target is looked up by the kind recorded for it.
    """
    try:
        _Walk(bytes(data), pos, fields).run()
    except Damage as damage:
        return damage
    return None


class _Walk:
    """One walk over marshal data: a position, the reference slots and the
    open containers.

    ``refs`` holds per reference slot ``(kind, length)``, ``None`` until the
    object is complete.  ``stack`` holds the open containers, each
    ``[kind, items left, slot, length, state]``: *state* is ``None`` or
    ``"value"`` for a dict (expecting a key, a value) and ``[next field,
    counts, offset]`` for a code object (then ``len(co_varnames)`` once
    read).  Each ``read_*`` method reads one object after its type byte and
    returns ``(kind, length, slot)`` when the object is complete, or
    ``None`` when it opened a container.
    """

    def __init__(self, data, pos, fields):
        self.data, self.end, self.fields = data, len(data), fields
        self.pos = pos
        self.start = pos  # where the object being read starts
        self.refs = []
        self.stack = []

    def need(self, size, what):
        if size > self.end - self.pos:
            raise Damage("{} at offset {} needs {} bytes, {} remain".format(
                what, self.start, size, self.end - self.pos), truncated=True)

    def int32(self):
        self.need(4, "a 32-bit int")
        pos = self.pos
        self.pos = pos + 4
        return int.from_bytes(self.data[pos:pos + 4], "little", signed=True)

    def run(self):
        """Walk until the outermost object is complete."""
        while True:
            self.start = self.pos
            found = self.next_object()
            if found is not None and self.complete(*found):
                return

    def next_object(self):
        """Read one object: ``(kind, length)`` if it is complete (kind
        ``None`` for a code object's bare int field), ``None`` if it opened a
        container."""
        stack = self.stack
        top = stack[-1] if stack else None
        if top is not None and top[0] == "code" \
                and self.fields[top[4][0]] == "int":
            self.int32()
            top[4][0] += 1
            return None, 0
        self.need(1, "an object")
        code = self.data[self.pos]
        kind_code, flag = chr(code & 0x7F), code & 0x80
        self.pos += 1
        slot = None
        if flag and kind_code != "r":
            slot = len(self.refs)
            self.refs.append(None)
        found = _READERS.get(kind_code, _Walk.read_unknown)(
            self, kind_code, slot)
        if found is None:
            return None
        kind, length, slot = found
        if slot is not None and self.refs[slot] is None:
            self.refs[slot] = (kind, length)
        return kind, length

    def read_fixed(self, kind_code, slot):
        self.need(_FIXED[kind_code], "a {!r} object".format(kind_code))
        self.pos += _FIXED[kind_code]
        return "other", 0, slot

    def read_sized(self, kind_code, slot):
        if kind_code in "zZ":
            self.need(1, "a string length")
            size = self.data[self.pos]
            self.pos += 1
        else:
            size = self.int32()
        if kind_code == "l":
            size = 2 * abs(size)
        elif size < 0:
            raise Damage("a {!r} object at offset {}: expected a length >= 0, "
                         "found {}".format(kind_code, self.start, size))
        self.need(size, "a {!r} object of {} bytes".format(kind_code, size))
        self.pos += size
        return _SIZED[kind_code], 0, slot

    def read_float(self, kind_code, slot):
        for _ in range(1 if kind_code == "f" else 2):
            self.need(1, "a float's length")
            self.need(1 + self.data[self.pos], "a float's text")
            self.pos += 1 + self.data[self.pos]
        return "other", 0, slot

    def read_reference(self, kind_code, slot):
        index = self.int32()
        refs = self.refs
        if not 0 <= index < len(refs):
            raise Damage("a reference at offset {}: expected an index below "
                         "{}, found {}".format(self.start, len(refs), index))
        if refs[index] is None:
            raise Damage("a reference at offset {}: expected a complete "
                         "object, found index {}, an object still being "
                         "read".format(self.start, index))
        kind, length = refs[index]
        return kind, length, slot

    def read_container(self, kind_code, slot):
        if kind_code == ")":
            self.need(1, "a tuple length")
            length = self.data[self.pos]
            self.pos += 1
        elif kind_code == "{":
            length = -1  # until a NULL key
        else:
            length = self.int32()
            if length < 0:
                raise Damage("a {!r} container at offset {}: expected a "
                             "length >= 0, found {}".format(
                                 kind_code, self.start, length))
            # every item takes at least one byte
            self.need(length, "a {!r} container of {} items".format(
                kind_code, length))
        kind = _CONTAINERS[kind_code]
        if slot is not None and kind not in _REF_AFTER:
            self.refs[slot] = (kind, length)
        if length:
            self.stack.append([kind, length, slot, length, None])
            return None
        return kind, length, slot

    def read_code(self, kind_code, slot):
        counts = [self.int32() for _ in range(6)]
        for name, value in zip(_COUNT_NAMES, counts):
            if value < 0:
                raise Damage("code object at offset {}: expected {} >= 0, "
                             "found {}".format(self.start, name, value))
        self.stack.append(["code", len(self.fields), slot, 0,
                           [0, counts, self.start]])
        return None

    def read_null(self, kind_code, slot):
        stack = self.stack
        if stack and stack[-1][0] == "dict" and stack[-1][4] is None:
            return "dict", 0, stack.pop()[2]  # the NULL key ends a dict
        raise Damage("a NULL object at offset {}: expected one only as a "
                     "dict's last key".format(self.start))

    def read_unknown(self, kind_code, slot):
        raise Damage("unknown type code {!r} at offset {}".format(
            kind_code, self.start))

    def complete(self, kind, length):
        """One object is complete: hand it to the containers it completes.
        True once the outermost object is."""
        stack = self.stack
        while stack:
            top = stack[-1]
            if top[0] == "dict":
                top[4] = None if top[4] else "value"
                return False
            if top[0] == "code":
                if not self.code_field(top[4], kind, length):
                    return False
            else:
                top[1] -= 1
                if top[1] > 0:
                    return False
            kind, length = top[0], top[3]
            stack.pop()
            if top[2] is not None:
                self.refs[top[2]] = (kind, length)
        return True

    def code_field(self, state, kind, length):
        """A code object's field is complete (*kind* ``None``: a bare int,
        counted already); True if that completes the code object."""
        index = state[0]
        if kind is not None:
            expected = self.fields[index]
            if kind != expected:
                raise Damage("code object at offset {}: expected field {} to "
                             "be {}, found {}".format(
                                 state[2], index + 1, expected, kind))
            if index == 3:
                state.append(length)  # len(co_varnames)
            state[0] = index + 1
        if state[0] < len(self.fields):
            return False
        _check_code_counts(state)
        return True


def _check_code_counts(state) -> None:
    (_, (argcount, posonly, kwonly, nlocals, _stacksize, flags), start,
     varnames) = state
    slots = (argcount + kwonly + bool(flags & _CO_VARARGS)
             + bool(flags & _CO_VARKEYWORDS))
    if posonly > argcount:
        raise Damage("code object at offset {}: expected posonlyargcount "
                     "<= argcount ({}), found {}".format(
                         start, argcount, posonly))
    if slots > varnames:
        raise Damage("code object at offset {}: expected {} argument names "
                     "in co_varnames, found {}".format(start, slots, varnames))
    if nlocals != varnames:
        raise Damage("code object at offset {}: expected nlocals == "
                     "len(co_varnames) ({}), found {}".format(
                         start, varnames, nlocals))


#: The reader of each type code (without its reference flag).
_READERS = dict.fromkeys(_FIXED, _Walk.read_fixed)
_READERS.update(dict.fromkeys(_SIZED, _Walk.read_sized))
_READERS.update(dict.fromkeys("fx", _Walk.read_float))
_READERS.update(dict.fromkeys(_CONTAINERS, _Walk.read_container))
_READERS.update(r=_Walk.read_reference, c=_Walk.read_code)
_READERS["0"] = _Walk.read_null
