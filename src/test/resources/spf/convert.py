#!/usr/bin/python3
"""Converts the OpenSPF RFC 7208 suite (YAML) into rfc7208-tests.txt, a tab-separated form the
Java test reads without a YAML library. Run once, in this folder: python3 convert.py
Needs python3-yaml. Lines:
  scenario <description>
  zone <name> <TYPE> <value>...   TXT values are one field per string, bytes outside
                                  printable ASCII (and backslash) written as \\DDD; TIMEOUT has no value
  test <name> <helo> <host> <mailfrom> <result[,result...]> <explanation or "">
SPF-type records become TXT records when the name has no TXT entry of its own, as the suite's
header asks of drivers ("auto-magic duplication of SPF to TXT"); "TXT: NONE" means no TXT.
"""
import yaml

def esc(s):
    if isinstance(s, str):
        b = s.encode('latin-1') if all(ord(c) < 256 for c in s) else s.encode('utf-8')
    else:
        b = s
    out = []
    for x in b:
        if 33 <= x < 127 and x != 0x5c or x == 32:
            out.append(chr(x))
        else:
            out.append('\\%03d' % x)
    return ''.join(out)

lines = []
for doc in yaml.safe_load_all(open('rfc7208-tests.yml', encoding='utf-8')):
    lines.append('scenario\t' + doc['description'])
    for name, recs in doc.get('zonedata', {}).items():
        has_txt = any(isinstance(r, dict) and 'TXT' in r for r in recs)
        for r in recs:
            if r == 'TIMEOUT':
                lines.append('zone\t%s\tTIMEOUT' % name.lower())
                continue
            for typ, val in r.items():
                if typ == 'SPF':
                    if has_txt:
                        continue
                    typ = 'TXT'
                if typ == 'TXT':
                    if val == 'NONE':
                        continue
                    strings = val if isinstance(val, list) else [val]
                    lines.append('\t'.join(['zone', name.lower(), 'TXT'] + [esc(s) for s in strings]))
                elif typ == 'MX':
                    lines.append('zone\t%s\tMX\t%d\t%s' % (name.lower(), val[0], val[1]))
                else:
                    lines.append('zone\t%s\t%s\t%s' % (name.lower(), typ, val))
    for tname, t in doc['tests'].items():
        res = t['result'] if isinstance(t['result'], list) else [t['result']]
        lines.append('\t'.join(['test', tname, esc(t['helo']), t['host'], esc(t['mailfrom']),
                                ','.join(res), esc(t.get('explanation', ''))]))
with open('rfc7208-tests.txt', 'w', encoding='ascii') as f:
    f.write('# Generated from rfc7208-tests.yml by convert.py; do not edit.\n')
    f.write('\n'.join(lines) + '\n')
