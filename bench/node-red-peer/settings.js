// Node-RED settings for bench/run's peer: the flow alone, no editor, quiet. NODE_RED_PORT and the flow file come
// from bench/run (userDir is its work folder).
module.exports = {
    uiHost: "127.0.0.1",
    uiPort: parseInt(process.env.NODE_RED_PORT, 10),
    httpAdminRoot: false,   // no editor: the flow's "http in" node answers at /
    httpNodeRoot: "/",
    flowFile: "flows.json",
    credentialSecret: false,
    logging: { console: { level: "warn", metrics: false, audit: false } },
    editorTheme: { tours: false },
    functionGlobalContext: {}
};
