/* Malformed config.json documents and the exact one-line error each must
 * give, for test_config_parse.c.
 *
 * To keep the table readable, documents and messages are written with '
 * where JSON and the messages have "; the test swaps them before use (none
 * of the documents or messages needs a real single quote). */
#ifndef RL_TESTS_BAD_CONFIGS_H
#define RL_TESTS_BAD_CONFIGS_H

#define V    "'ociVersion':'1.0.0'"
#define BASE V ",'root':{'path':'rootfs'}"
/* A document with extra top-level members. */
#define T(x) "{" BASE "," x "}"
/* A valid process plus members; a repeated key overrides (last one wins). */
#define P(x) "{" BASE ",'process':{'args':['sh'],'cwd':'/'," x "}}"
#define L(x) "{" BASE ",'linux':{" x "}}"
#define E    "config.json: "

static const struct {
	const char *doc;
	const char *want;
} bad_configs[] = {
    /* JSON itself */
    {"", E "invalid JSON: parse error: premature EOF"},
    {"   ", E "invalid JSON: parse error: premature EOF"},
    {"{", E "invalid JSON: parse error: premature EOF"},
    {"{'ociVersion':'1.0.0',}",
     E "invalid JSON: parse error: invalid object key (must be a string)"},
    {"{}{}", E "invalid JSON: parse error: trailing garbage"},
    {"{'a':tru}", E "invalid JSON: lexical error: invalid string in json text."},
    {"{'a':-}",
     E "invalid JSON: lexical error: malformed number, a digit is required after the minus sign."},
    {"{'a':'x", E "invalid JSON: parse error: premature EOF"},
    {"{'a':'\xff'}", E "invalid JSON: lexical error: invalid bytes in UTF8 string."},
    {"[]", E "must be an object"},
    {"5", E "must be an object"},
    {"null", E "must be an object"},
    {"'config'", E "must be an object"},

    /* ociVersion */
    {"{}", E "ociVersion: is required"},
    {"{'ociVersion':null}", E "ociVersion: is required"},
    {"{'ociVersion':1}", E "ociVersion: must be a string"},
    {"{'ociVersion':''}", E "ociVersion: must be a non-empty string"},
    {"{'ociVersion':'2.0.0'}", E "ociVersion: unsupported version '2.0.0' (want 1.x)"},
    {"{'ociVersion':'0.5.0-dev'}", E "ociVersion: unsupported version '0.5.0-dev' (want 1.x)"},
    {"{'ociVersion':'v1.0.0'}", E "ociVersion: 'v1.0.0' is not a semantic version"},
    {"{'ociVersion':'1'}", E "ociVersion: '1' is not a semantic version"},

    /* root */
    {"{" V "}", E "root: is required"},
    {"{" V ",'root':5}", E "root: must be an object"},
    {"{" V ",'root':{}}", E "root.path: is required"},
    {"{" V ",'root':{'path':''}}", E "root.path: must be a non-empty string"},
    {"{" V ",'root':{'path':'r','readonly':'yes'}}", E "root.readonly: must be a boolean"},

    /* mounts */
    {T("'mounts':{}"), E "mounts: must be an array"},
    {T("'mounts':[5]"), E "mounts[0]: must be an object"},
    {T("'mounts':[{'destination':'/a'},{'type':'tmpfs'}]"), E "mounts[1].destination: is required"},
    {T("'mounts':[{'destination':''}]"), E "mounts[0].destination: must be a non-empty string"},
    {T("'mounts':[{'destination':'/a','type':5}]"), E "mounts[0].type: must be a string"},
    {T("'mounts':[{'destination':'/a','options':'ro'}]"), E "mounts[0].options: must be an array"},
    {T("'mounts':[{'destination':'/a','options':['ro',1]}]"),
     E "mounts[0].options[1]: must be a string"},
    {T("'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1}]}]"),
     E "mounts[0].uidMappings[0].size: is required"},
    {T("'mounts':[{'destination':'/a','gidMappings':[{'containerID':0,'hostID':4294967296,"
       "'size':1}]}]"),
     E "mounts[0].gidMappings[0].hostID: 4294967296 is out of range [0, 4294967295]"},

    /* process */
    {T("'process':5"), E "process: must be an object"},
    {T("'process':{'cwd':'/'}"), E "process.args: is required"},
    {T("'process':{'args':['sh']}"), E "process.cwd: is required"},
    {P("'args':[]"), E "process.args: must be a non-empty array"},
    {P("'args':'sh'"), E "process.args: must be an array"},
    {P("'args':['']"), E "process.args[0]: must be a non-empty string"},
    {P("'args':['sh',2]"), E "process.args[1]: must be a string"},
    {P("'cwd':'tmp'"), E "process.cwd: must be an absolute path, not 'tmp'"},
    {P("'cwd':''"), E "process.cwd: must be an absolute path, not ''"},
    {P("'terminal':1"), E "process.terminal: must be a boolean"},
    {P("'consoleSize':{'height':25}"), E "process.consoleSize.width: is required"},
    {P("'consoleSize':{'height':-1,'width':80}"),
     E "process.consoleSize.height: -1 is out of range [0, 4294967295]"},
    {P("'user':{'gid':0}"), E "process.user.uid: is required"},
    {P("'user':{'uid':0}"), E "process.user.gid: is required"},
    {P("'user':{'uid':'0','gid':0}"), E "process.user.uid: must be an integer"},
    {P("'user':{'uid':4294967296,'gid':0}"),
     E "process.user.uid: 4294967296 is out of range [0, 4294967295]"},
    {P("'user':{'uid':1.5,'gid':0}"), E "process.user.uid: must be an integer, not '1.5'"},
    {P("'user':{'uid':0,'gid':0,'umask':4096}"),
     E "process.user.umask: 4096 is out of range [0, 4095]"},
    {P("'user':{'uid':0,'gid':0,'additionalGids':[1,-2]}"),
     E "process.user.additionalGids[1]: -2 is out of range [0, 4294967295]"},
    {P("'user':{'uid':0,'gid':0,'additionalGids':5}"),
     E "process.user.additionalGids: must be an array"},
    {P("'env':'PATH=/bin'"), E "process.env: must be an array"},
    {P("'capabilities':['CAP_KILL']"), E "process.capabilities: must be an object"},
    {P("'capabilities':{'bounding':['CAP_KILL','CAP_FOO']}"),
     E "process.capabilities.bounding[1]: unknown capability 'CAP_FOO'"},
    {P("'capabilities':{'effective':['cap_kill']}"),
     E "process.capabilities.effective[0]: unknown capability 'cap_kill'"},
    {P("'capabilities':{'ambient':[5]}"), E "process.capabilities.ambient[0]: must be a string"},
    {P("'capabilities':{'permitted':'CAP_KILL'}"),
     E "process.capabilities.permitted: must be an array"},
    {P("'rlimits':{}"), E "process.rlimits: must be an array"},
    {P("'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"),
     E "process.rlimits[0].type: unknown rlimit 'RLIMIT_FOO'"},
    {P("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},{'type':'RLIMIT_CORE','soft':1,"
       "'hard':1},{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]"),
     E "process.rlimits[2].type: duplicate rlimit 'RLIMIT_NOFILE'"},
    {P("'rlimits':[{'type':'RLIMIT_NOFILE','soft':2048,'hard':1024}]"),
     E "process.rlimits[0]: soft limit 2048 is above hard limit 1024"},
    {P("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1}]"), E "process.rlimits[0].hard: is required"},
    {P("'rlimits':[{'soft':1,'hard':1}]"), E "process.rlimits[0].type: is required"},
    {P("'rlimits':[{'type':'RLIMIT_CPU','soft':18446744073709551616,'hard':1}]"),
     E "process.rlimits[0].soft: 18446744073709551616 is out of range [0, 18446744073709551615]"},
    {P("'oomScoreAdj':1001"), E "process.oomScoreAdj: 1001 is out of range [-1000, 1000]"},
    {P("'oomScoreAdj':-1001"), E "process.oomScoreAdj: -1001 is out of range [-1000, 1000]"},
    {P("'oomScoreAdj':99999999999999999999"),
     E "process.oomScoreAdj: 99999999999999999999 is out of range [-1000, 1000]"},
    {P("'oomScoreAdj':1e2"), E "process.oomScoreAdj: must be an integer, not '1e2'"},
    {P("'noNewPrivileges':'true'"), E "process.noNewPrivileges: must be a boolean"},
    {P("'apparmorProfile':5"), E "process.apparmorProfile: must be a string"},
    {P("'selinuxLabel':[]"), E "process.selinuxLabel: must be a string"},
    {P("'ioPriority':{'class':'IOPRIO_CLASS_XX','priority':1}"),
     E "process.ioPriority.class: unknown class 'IOPRIO_CLASS_XX'"},
    {P("'ioPriority':{'class':'IOPRIO_CLASS_RT','priority':8}"),
     E "process.ioPriority.priority: 8 is out of range [0, 7]"},
    {P("'ioPriority':{'priority':1}"), E "process.ioPriority.class: is required"},
    {P("'ioPriority':{'class':'IOPRIO_CLASS_IDLE'}"), E "process.ioPriority.priority: is required"},
    {P("'scheduler':{'policy':'SCHED_FOO'}"),
     E "process.scheduler.policy: unknown policy 'SCHED_FOO'"},
    {P("'scheduler':{'nice':1}"), E "process.scheduler.policy: is required"},
    {P("'scheduler':{'policy':'SCHED_FIFO','flags':['SCHED_FLAG_NOPE']}"),
     E "process.scheduler.flags[0]: unknown flag 'SCHED_FLAG_NOPE'"},
    {P("'scheduler':{'policy':'SCHED_OTHER','nice':20}"),
     E "process.scheduler.nice: 20 is out of range [-20, 19]"},
    {P("'scheduler':{'policy':'SCHED_DEADLINE','runtime':-1}"),
     E "process.scheduler.runtime: -1 is out of range [0, 18446744073709551615]"},
    {P("'execCPUAffinity':'0'"), E "process.execCPUAffinity: must be an object"},
    {P("'execCPUAffinity':{'initial':0}"), E "process.execCPUAffinity.initial: must be a string"},
    {P("'execCPUAffinity':{'initial':'0-'}"),
     E "process.execCPUAffinity.initial: '0-': not a CPU list ('0-3,7')"},
    {P("'execCPUAffinity':{'final':'8192'}"),
     E "process.execCPUAffinity.final: '8192': not a CPU list ('0-3,7')"},
    {P("'execCPUAffinity':{'final':' 1'}"),
     E "process.execCPUAffinity.final: ' 1': not a CPU list ('0-3,7')"},

    /* hooks */
    {T("'hooks':[]"), E "hooks: must be an object"},
    {T("'hooks':{'prestart':{}}"), E "hooks.prestart: must be an array"},
    {T("'hooks':{'createRuntime':[{}]}"), E "hooks.createRuntime[0].path: is required"},
    {T("'hooks':{'createContainer':[{'path':'hook'}]}"),
     E "hooks.createContainer[0].path: must be an absolute path, not 'hook'"},
    {T("'hooks':{'startContainer':[{'path':'/h','timeout':0}]}"),
     E "hooks.startContainer[0].timeout: 0 is out of range [1, 2147483647]"},
    {T("'hooks':{'poststart':[{'path':'/h','args':[1]}]}"),
     E "hooks.poststart[0].args[0]: must be a string"},
    {T("'hooks':{'poststop':[{'path':'/h'},5]}"), E "hooks.poststop[1]: must be an object"},

    /* hostname, domainname, annotations */
    {T("'hostname':5"), E "hostname: must be a string"},
    {T("'domainname':true"), E "domainname: must be a string"},
    {T("'annotations':[]"), E "annotations: must be an object"},
    {T("'annotations':{'a':1}"), E "annotations.a: must be a string"},
    {T("'annotations':{'':'x'}"), E "annotations: keys must not be empty"},

    /* linux */
    {T("'linux':[]"), E "linux: must be an object"},
    {L("'namespaces':{}"), E "linux.namespaces: must be an array"},
    {L("'namespaces':[{'type':'pid'},{'type':'network'},{'type':'pdi'}]"),
     E "linux.namespaces[2].type: unknown namespace type 'pdi'"},
    {L("'namespaces':[{'type':'pid'},{'type':'pid','path':'/proc/1/ns/pid'}]"),
     E "linux.namespaces[1].type: duplicate namespace type 'pid'"},
    {L("'namespaces':[{'path':'/x'}]"), E "linux.namespaces[0].type: is required"},
    {L("'namespaces':[{'type':5}]"), E "linux.namespaces[0].type: must be a string"},
    {L("'namespaces':[{'type':'network','path':'netns'}]"),
     E "linux.namespaces[0].path: must be an absolute path, not 'netns'"},
    {L("'uidMappings':[{'containerID':0,'hostID':0,'size':-1}]"),
     E "linux.uidMappings[0].size: -1 is out of range [0, 4294967295]"},
    {L("'gidMappings':{}"), E "linux.gidMappings: must be an array"},
    {L("'gidMappings':[{'hostID':0,'size':1}]"), E "linux.gidMappings[0].containerID: is required"},
    {L("'timeOffsets':5"), E "linux.timeOffsets: must be an object"},
    {L("'timeOffsets':{'boottime':{'nanosecs':1000000000}}"),
     E "linux.timeOffsets.boottime.nanosecs: 1000000000 is out of range [0, 999999999]"},
    {L("'timeOffsets':{'monotonic':{'secs':1.5}}"),
     E "linux.timeOffsets.monotonic.secs: must be an integer, not '1.5'"},
    {L("'timeOffsets':{'realtime':{'secs':1}}"),
     E "linux.timeOffsets.realtime: unknown clock (want boottime or monotonic)"},
    {L("'devices':[{'path':'/dev/x','type':'x','major':1,'minor':1}]"),
     E "linux.devices[0].type: unknown device type 'x' (want c, b, u or p)"},
    {L("'devices':[{'path':'/dev/x','type':'cb','major':1,'minor':1}]"),
     E "linux.devices[0].type: unknown device type 'cb' (want c, b, u or p)"},
    {L("'devices':[{'path':'/dev/x','major':1,'minor':1}]"),
     E "linux.devices[0].type: is required"},
    {L("'devices':[{'path':'/dev/x','type':'c','minor':1}]"),
     E "linux.devices[0].major: is required for type 'c'"},
    {L("'devices':[{'path':'/dev/x','type':'b','major':8}]"),
     E "linux.devices[0].minor: is required for type 'b'"},
    {L("'devices':[{'path':'/dev/x','type':'u','major':-1,'minor':0}]"),
     E "linux.devices[0].major: -1 is out of range [0, 4294967295]"},
    {L("'devices':[{'path':'dev/x','type':'p'}]"),
     E "linux.devices[0].path: must be an absolute path, not 'dev/x'"},
    {L("'devices':[{'type':'c','major':1,'minor':1}]"), E "linux.devices[0].path: is required"},
    {L("'devices':[{'path':'/dev/x','type':'p','fileMode':-1}]"),
     E "linux.devices[0].fileMode: -1 is out of range [0, 4294967295]"},
    {L("'cgroupsPath':5"), E "linux.cgroupsPath: must be a string"},
    {L("'rootfsPropagation':'bogus'"), E "linux.rootfsPropagation: unknown propagation 'bogus'"},
    {L("'rootfsPropagation':''"), E "linux.rootfsPropagation: unknown propagation ''"},
    {L("'sysctl':{'net.ipv4.ip_forward':1}"),
     E "linux.sysctl.net.ipv4.ip_forward: must be a string"},
    {L("'maskedPaths':['/proc/kcore','proc/keys']"),
     E "linux.maskedPaths[1]: must be an absolute path, not 'proc/keys'"},
    {L("'readonlyPaths':['sys']"), E "linux.readonlyPaths[0]: must be an absolute path, not 'sys'"},
    {L("'mountLabel':false"), E "linux.mountLabel: must be a string"},
    {L("'personality':'LINUX'"), E "linux.personality: must be an object"},
    {L("'personality':{}"), E "linux.personality.domain: is required"},
    {L("'personality':{'domain':'LINUX64'}"),
     E "linux.personality.domain: unknown domain 'LINUX64' (want LINUX or LINUX32)"},
    {L("'personality':{'domain':'LINUX','flags':[1]}"),
     E "linux.personality.flags[0]: must be a string"},
    {L("'memoryPolicy':[]"), E "linux.memoryPolicy: must be an object"},
    {L("'memoryPolicy':{'nodes':'0'}"), E "linux.memoryPolicy.mode: is required"},
    {L("'memoryPolicy':{'mode':'MPOL_ANY'}"), E "linux.memoryPolicy.mode: unknown mode 'MPOL_ANY'"},
    {L("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'1-0'}"),
     E "linux.memoryPolicy.nodes: '1-0': not a node list ('0-3,7')"},
    {L("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0,'}"),
     E "linux.memoryPolicy.nodes: '0,': not a node list ('0-3,7')"},
    {L("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'1024'}"),
     E "linux.memoryPolicy.nodes: '1024': not a node list ('0-3,7')"},
    {L("'memoryPolicy':{'mode':'MPOL_INTERLEAVE','nodes':''}"),
     E "linux.memoryPolicy.nodes: MPOL_INTERLEAVE needs at least one node"},
    {L("'memoryPolicy':{'mode':'MPOL_LOCAL','nodes':'0'}"),
     E "linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes"},
    {L("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0','flags':['MPOL_F_STATIC_NODES',7]}"),
     E "linux.memoryPolicy.flags[1]: must be a string"},
    {L("'memoryPolicy':{'mode':'MPOL_BIND','nodes':'0','flags':['MPOL_F_ANY']}"),
     E "linux.memoryPolicy.flags[0]: unknown flag 'MPOL_F_ANY'"},
    {L("'netDevices':[]"), E "linux.netDevices: must be an object"},
    {L("'netDevices':{'eth0':'ctr0'}"), E "linux.netDevices.eth0: must be an object"},
    {L("'netDevices':{'':{}}"), E
     "linux.netDevices.: not a network interface name (1 to 15 bytes; no '/', ':' or white space)"},
    {L("'netDevices':{'eth0:1':{}}"), E "linux.netDevices.eth0:1: not a network interface name (1 "
					"to 15 bytes; no '/', ':' or white space)"},
    {L("'netDevices':{'..':{}}"), E "linux.netDevices...: not a network interface name (1 to 15 "
				    "bytes; no '/', ':' or white space)"},
    {L("'netDevices':{'abcdefghijklmnop':{}}"),
     E "linux.netDevices.abcdefghijklmnop: not a network interface name (1 to 15 bytes; no '/', "
       "':' or white space)"},
    {L("'netDevices':{'eth%d':{}}"), E "linux.netDevices.eth%d: not a network interface name (1 to "
				       "15 bytes; no '/', ':' or white space)"},
    {L("'netDevices':{'eth0':{'name':7}}"), E "linux.netDevices.eth0.name: must be a string"},
    {L("'netDevices':{'eth0':{'name':'a b'}}"),
     E "linux.netDevices.eth0.name: 'a b': not a network interface name (1 to 15 bytes; no '/', "
       "':' or white space; '%d' at most once)"},
    {L("'netDevices':{'eth0':{'name':'e%d%d'}}"),
     E "linux.netDevices.eth0.name: 'e%d%d': not a network interface name (1 to 15 bytes; no '/', "
       "':' or white space; '%d' at most once)"},
    {L("'netDevices':{'eth0':{'name':'e%s'}}"),
     E "linux.netDevices.eth0.name: 'e%s': not a network interface name (1 to 15 bytes; no '/', "
       "':' or white space; '%d' at most once)"},
    /* resources and seccomp have their own tables; only the hand-over. */
    {L("'resources':5"), E "linux.resources: must be an object"},
    {L("'seccomp':[]"), E "linux.seccomp: must be an object"},
};

#undef V
#undef BASE
#undef T
#undef P
#undef L
#undef E

#endif
