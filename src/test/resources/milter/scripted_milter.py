#!/usr/bin/python3
"""A milter built on libmilter (python3-milter) that does what a JSON script says at each stage
and records every callback with its arguments and the macros it saw, one JSON object a line.

usage: scripted_milter.py SOCKET SCRIPT.json EVENTS.jsonl

The script: {"<stage>": ACTION, ..., "edits": [[...], ...], "nocallback": [stage, ...],
"noreply": [stage, ...], "leadspc": true, "flags": SMFIF_* actions asked for}
where a stage is connect, hello, envfrom, envrcpt, data, header, eoh, body, eom, unknown, and
ACTION is continue, accept, reject, tempfail, discard or skip, ["reply", code, xcode, line, ...]
for a custom (multi-line) reply, or for envrcpt an object {"<addr>": ACTION, "*": ACTION}.
"""
import json
import sys

import Milter

SOCKET, SCRIPT, EVENTS = sys.argv[1], sys.argv[2], sys.argv[3]
with open(SCRIPT) as f:
    script = json.load(f)
out = open(EVENTS, 'a', buffering=1)

MACROS = ['j', '_', 'v', 'i', '{daemon_name}', '{daemon_addr}', '{daemon_port}', '{client_addr}',
          '{client_port}', '{client_name}', '{client_ptr}', '{tls_version}', '{cipher}', '{cipher_bits}',
          '{cert_subject}', '{cert_issuer}', '{auth_type}', '{auth_authen}', '{auth_author}',
          '{mail_addr}', '{mail_host}', '{mail_mailer}', '{rcpt_addr}', '{rcpt_host}', '{rcpt_mailer}']

CODES = {'continue': Milter.CONTINUE, 'accept': Milter.ACCEPT, 'reject': Milter.REJECT,
         'tempfail': Milter.TEMPFAIL, 'discard': Milter.DISCARD, 'skip': Milter.SKIP}

NO = {'connect': Milter.P_NOCONNECT, 'hello': Milter.P_NOHELO, 'envfrom': Milter.P_NOMAIL,
      'envrcpt': Milter.P_NORCPT, 'body': Milter.P_NOBODY, 'header': Milter.P_NOHDRS,
      'eoh': Milter.P_NOEOH, 'unknown': Milter.P_NOUNKNOWN, 'data': Milter.P_NODATA}
NR = {'connect': Milter.P_NR_CONN, 'hello': Milter.P_NR_HELO, 'envfrom': Milter.P_NR_MAIL,
      'envrcpt': Milter.P_NR_RCPT, 'body': Milter.P_NR_BODY, 'header': Milter.P_NR_HDR,
      'eoh': Milter.P_NR_EOH, 'unknown': Milter.P_NR_UNKN, 'data': Milter.P_NR_DATA}


def text(v):
    if isinstance(v, bytes):
        return v.decode('utf-8', 'surrogateescape')
    return v


NEGOTIATIONS = [0]


class Scripted(Milter.Base):

    def negotiate(self, opts):
        NEGOTIATIONS[0] += 1
        return super().negotiate(opts)

    @classmethod
    def protocol_mask(klass):
        mask = Milter.Base.protocol_mask.__func__(klass)
        for stage in script.get('nocallback', []):
            mask &= ~NO[stage]
        for stage in script.get('noreply', []):
            mask &= ~NR[stage]
        if script.get('leadspc'):
            mask &= ~Milter.P_HDR_LEADSPC
        if script.get('rcpt_rej'):
            mask &= ~Milter.P_RCPT_REJ
        return mask

    def record(self, stage, *args):
        macros = {}
        for m in MACROS:
            v = self.getsymval(m)
            if v is not None:
                macros[m] = v
        # How many negotiations so far: one per connection, so a session that carries on over an
        # earlier session's connection shows the same number.
        out.write(json.dumps({'stage': stage, 'args': [text(a) for a in args], 'macros': macros,
                              'negotiations': NEGOTIATIONS[0]}) + '\n')

    def act(self, stage, key=None):
        action = script.get(stage, 'continue')
        if isinstance(action, dict):
            action = action.get(key, action.get('*', 'continue'))
        if isinstance(action, list):
            self.setreply(action[1], action[2], *action[3:])
            return Milter.REJECT if action[1].startswith('5') else Milter.TEMPFAIL
        return CODES[action]

    def connect(self, hostname, family, hostaddr):
        self.record('connect', hostname, str(family), repr(hostaddr))
        return self.act('connect')

    def hello(self, hostname):
        self.record('hello', hostname)
        return self.act('hello')

    def envfrom(self, f, *params):
        self.record('envfrom', f, *params)
        return self.act('envfrom', f)

    def envrcpt(self, to, *params):
        self.record('envrcpt', to, *params)
        return self.act('envrcpt', to)

    def data(self):
        self.record('data')
        return self.act('data')

    def header(self, name, value):
        self.record('header', name, value)
        return self.act('header')

    def eoh(self):
        self.record('eoh')
        return self.act('eoh')

    def body(self, chunk):
        self.record('body', text(chunk))
        return self.act('body')

    def unknown(self, cmd):
        self.record('unknown', text(cmd))
        return self.act('unknown')

    def eom(self):
        self.record('eom')
        for edit in script.get('edits', []):
            op, args = edit[0], edit[1:]
            if op == 'addheader':
                self.addheader(*args)
            elif op == 'insheader':
                self.addheader(args[1], args[2], args[0])
            elif op == 'chgheader':
                self.chgheader(*args)
            elif op == 'replacebody':
                self.replacebody(args[0].encode() * (args[1] if len(args) > 1 else 1))
            elif op == 'addrcpt':
                self.addrcpt(*args)
            elif op == 'delrcpt':
                self.delrcpt(*args)
            elif op == 'chgfrom':
                self.chgfrom(*args)
            elif op == 'quarantine':
                self.quarantine(*args)
            elif op == 'progress':
                self.progress()
        return self.act('eom')

    def abort(self):
        self.record('abort')
        return Milter.CONTINUE

    def close(self):
        self.record('close')
        return Milter.CONTINUE


Milter.factory = Scripted
if 'flags' in script:
    # The actions (SMFIF_*) the milter asks for; libmilter's default is all of them.
    Milter.set_flags(script['flags'])
Milter.runmilter('scripted', SOCKET, 60)
