/*
 * Thing Service Gateway: device login and per-device topics on mosquitto 2.0 (plugin API v5).
 *
 * mosquitto alone can check neither Alibaba's MQTT signature (an HMAC over a timestamp the device changes at each
 * connect) nor a device's topics (its ACL patterns cannot turn the user name DeviceName&ProductKey into
 * /sys/{pk}/{dn}/#). Both rules live in the gateway (DeviceLogin, BrokerAccess, DeviceTopics); this plugin only asks:
 *
 * - at each connect (MOSQ_EVT_BASIC_AUTH) it POSTs {"clientid","username","password"} to the gateway's
 *   /broker/auth endpoint, with the shared secret as a bearer token, and lets the client in only on
 *   {"result":"allow"}. Anything else (deny, no answer within the timeout, another status, a body it cannot read)
 *   refuses the client: it fails closed.
 * - the answer's "is_superuser" and "acl" (EMQX 5.8's shape: [{"permission","action","topic"}], the first rule that
 *   matches decides, nothing matched is denied) are kept per connection, so that publishes, subscribes and deliveries
 *   (MOSQ_EVT_ACL_CHECK) are decided here, without a call, and forgotten when the connection ends.
 *
 * Options (mosquitto.conf, after "plugin /path/to/tsg_auth.so"):
 *   plugin_opt_url         the gateway's endpoint, e.g. http://127.0.0.1:8080/broker/auth (required)
 *   plugin_opt_secret      the gateway's gateway.mqtt.broker-auth.secret (required)
 *   plugin_opt_timeout_ms  how long a connect waits for the gateway's answer, in ms (default 2000)
 *
 * Build: see the Makefile beside this file (gcc, with mosquitto-dev, libmosquitto-dev, libcurl4-openssl-dev and
 * libcjson-dev installed).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

/* an answer larger than this is not the endpoint's (a device has a handful of rules) */
#define MAX_ANSWER_BYTES 65536
#define DEFAULT_TIMEOUT_MS 2000L
/* connections are looked up at every publish and delivery: a hash table of their grants */
#define BUCKETS 4096

#define ACT_PUBLISH 1
#define ACT_SUBSCRIBE 2

struct rule {
	char *filter;
	bool allow;
	int actions;
};

/* what one connection was let in with */
struct grant {
	struct grant *next;
	const struct mosquitto *client;
	char *client_id;
	bool superuser;
	int rule_count;
	struct rule *rules;
};

struct answer {
	char *data;
	size_t len;
	bool too_large;
};

static mosquitto_plugin_id_t *plugin_id;
static char *url;
static char *authorization;
static long timeout_ms = DEFAULT_TIMEOUT_MS;
static CURL *curl;
static struct curl_slist *headers;
static struct grant *grants[BUCKETS];

static size_t bucket(const struct mosquitto *client)
{
	return ((uintptr_t)client >> 4) % BUCKETS;
}

static void free_grant(struct grant *g)
{
	for (int i = 0; i < g->rule_count; i++) {
		free(g->rules[i].filter);
	}
	free(g->rules);
	free(g->client_id);
	free(g);
}

static void forget(const struct mosquitto *client)
{
	struct grant **at = &grants[bucket(client)];
	while (*at) {
		if ((*at)->client == client) {
			struct grant *gone = *at;
			*at = gone->next;
			free_grant(gone);
			return;
		}
		at = &(*at)->next;
	}
}

/* The grant of this connection; the client id is compared too, so a connection never inherits another's rules. */
static struct grant *find(const struct mosquitto *client)
{
	const char *id = mosquitto_client_id(client);
	for (struct grant *g = grants[bucket(client)]; g; g = g->next) {
		if (g->client == client) {
			return id && strcmp(id, g->client_id) == 0 ? g : NULL;
		}
	}
	return NULL;
}

static size_t collect(char *data, size_t size, size_t count, void *userdata)
{
	struct answer *a = userdata;
	size_t n = size * count;
	if (a->len + n > MAX_ANSWER_BYTES) {
		a->too_large = true;
		return 0; /* makes curl stop with an error */
	}
	char *grown = realloc(a->data, a->len + n + 1);
	if (!grown) {
		return 0;
	}
	a->data = grown;
	memcpy(a->data + a->len, data, n);
	a->len += n;
	a->data[a->len] = '\0';
	return n;
}

static int actions_of(const char *action)
{
	if (strcmp(action, "publish") == 0) {
		return ACT_PUBLISH;
	}
	if (strcmp(action, "subscribe") == 0) {
		return ACT_SUBSCRIBE;
	}
	if (strcmp(action, "all") == 0) {
		return ACT_PUBLISH | ACT_SUBSCRIBE;
	}
	return 0;
}

/* The grant an "allow" answer describes; NULL when the answer is not one the endpoint gives. */
static struct grant *grant_of(const cJSON *root, const struct mosquitto *client, const char *client_id)
{
	struct grant *g = calloc(1, sizeof(*g));
	if (!g) {
		return NULL;
	}
	g->client = client;
	g->client_id = strdup(client_id);
	g->superuser = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "is_superuser"));
	const cJSON *acl = cJSON_GetObjectItemCaseSensitive(root, "acl");
	int count = cJSON_IsArray(acl) ? cJSON_GetArraySize(acl) : 0;
	g->rules = calloc(count > 0 ? count : 1, sizeof(struct rule));
	if (!g->client_id || !g->rules) {
		free_grant(g);
		return NULL;
	}
	const cJSON *item;
	cJSON_ArrayForEach(item, acl) {
		const cJSON *permission = cJSON_GetObjectItemCaseSensitive(item, "permission");
		const cJSON *action = cJSON_GetObjectItemCaseSensitive(item, "action");
		const cJSON *topic = cJSON_GetObjectItemCaseSensitive(item, "topic");
		if (!cJSON_IsString(permission) || !cJSON_IsString(action) || !cJSON_IsString(topic)
				|| actions_of(action->valuestring) == 0) {
			free_grant(g);
			return NULL;
		}
		struct rule *r = &g->rules[g->rule_count];
		r->filter = strdup(topic->valuestring);
		if (!r->filter) {
			free_grant(g);
			return NULL;
		}
		g->rule_count++;
		r->allow = strcmp(permission->valuestring, "allow") == 0;
		r->actions = actions_of(action->valuestring);
	}
	return g;
}

static int on_basic_auth(int event, void *event_data, void *userdata)
{
	(void)event;
	(void)userdata;
	struct mosquitto_evt_basic_auth *ed = event_data;
	const char *client_id = mosquitto_client_id(ed->client);
	forget(ed->client);
	if (!client_id) {
		return MOSQ_ERR_AUTH;
	}

	cJSON *request = cJSON_CreateObject();
	if (!request
			|| !cJSON_AddStringToObject(request, "clientid", client_id)
			|| !(ed->username ? cJSON_AddStringToObject(request, "username", ed->username) : cJSON_AddNullToObject(request, "username"))
			|| !(ed->password ? cJSON_AddStringToObject(request, "password", ed->password) : cJSON_AddNullToObject(request, "password"))) {
		cJSON_Delete(request);
		return MOSQ_ERR_AUTH;
	}
	char *body = cJSON_PrintUnformatted(request);
	cJSON_Delete(request);
	if (!body) {
		return MOSQ_ERR_AUTH;
	}

	struct answer a = {0};
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a);
	CURLcode sent = curl_easy_perform(curl);
	free(body);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);

	int result = MOSQ_ERR_AUTH;
	if (sent != CURLE_OK) {
		mosquitto_log_printf(MOSQ_LOG_WARNING, "tsg_auth: client %s refused: no answer from %s (%s)", client_id, url,
				a.too_large ? "answer too large" : curl_easy_strerror(sent));
	} else if (status != 200) {
		mosquitto_log_printf(MOSQ_LOG_WARNING, "tsg_auth: client %s refused: %s answered HTTP %ld", client_id, url, status);
	} else {
		cJSON *root = cJSON_ParseWithLength(a.data ? a.data : "", a.len);
		const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(root, "result");
		if (cJSON_IsString(verdict) && strcmp(verdict->valuestring, "allow") == 0) {
			struct grant *g = grant_of(root, ed->client, client_id);
			if (g) {
				size_t b = bucket(ed->client);
				g->next = grants[b];
				grants[b] = g;
				result = MOSQ_ERR_SUCCESS;
			} else {
				mosquitto_log_printf(MOSQ_LOG_WARNING, "tsg_auth: client %s refused: unreadable acl in the answer of %s", client_id, url);
			}
		} else if (cJSON_IsString(verdict) && strcmp(verdict->valuestring, "deny") == 0) {
			mosquitto_log_printf(MOSQ_LOG_INFO, "tsg_auth: client %s refused by the gateway", client_id);
		} else {
			mosquitto_log_printf(MOSQ_LOG_WARNING, "tsg_auth: client %s refused: unreadable answer from %s", client_id, url);
		}
		cJSON_Delete(root);
	}
	free(a.data);
	return result;
}

/*
 * Whether every topic the subscription filter sub can match is matched by the rule filter: the level-by-level
 * covering of one filter by another (mosquitto_topic_matches_sub takes a topic, not a filter, as its second argument).
 */
static bool covers(const char *rule, const char *sub)
{
	for (;;) {
		size_t rl = strcspn(rule, "/");
		size_t sl = strcspn(sub, "/");
		if (rl == 1 && rule[0] == '#') {
			return true;
		}
		if (rl == 1 && rule[0] == '+') {
			if (sl == 1 && sub[0] == '#') {
				return false;
			}
		} else if (rl != sl || strncmp(rule, sub, rl) != 0) {
			return false;
		}
		bool rule_more = rule[rl] == '/';
		bool sub_more = sub[sl] == '/';
		if (!sub_more) {
			/* "a/#" also matches "a" itself */
			return !rule_more || strcmp(rule + rl, "/#") == 0;
		}
		if (!rule_more) {
			return false;
		}
		rule += rl + 1;
		sub += sl + 1;
	}
}

/* Whether some topic is matched by both filters. */
static bool overlaps(const char *a, const char *b)
{
	for (;;) {
		size_t al = strcspn(a, "/");
		size_t bl = strcspn(b, "/");
		if ((al == 1 && a[0] == '#') || (bl == 1 && b[0] == '#')) {
			return true;
		}
		bool wild = (al == 1 && a[0] == '+') || (bl == 1 && b[0] == '+');
		if (!wild && (al != bl || strncmp(a, b, al) != 0)) {
			return false;
		}
		bool a_more = a[al] == '/';
		bool b_more = b[bl] == '/';
		if (!a_more || !b_more) {
			return a_more == b_more || strcmp(a_more ? a + al : b + bl, "/#") == 0;
		}
		a += al + 1;
		b += bl + 1;
	}
}

/*
 * A rule decides a subscribe when it allows the whole filter, or denies any part of it (a subscription may not reach
 * into what is denied); a publish or a delivery, when its filter matches the topic.
 */
static bool decides(const struct rule *r, const char *topic, int access)
{
	if (access == MOSQ_ACL_SUBSCRIBE) {
		return r->allow ? covers(r->filter, topic) : overlaps(r->filter, topic);
	}
	bool match = false;
	return mosquitto_topic_matches_sub(r->filter, topic, &match) == MOSQ_ERR_SUCCESS && match;
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
	(void)event;
	(void)userdata;
	struct mosquitto_evt_acl_check *ed = event_data;
	if (ed->access == MOSQ_ACL_UNSUBSCRIBE) {
		return MOSQ_ERR_SUCCESS;
	}
	struct grant *g = find(ed->client);
	if (!g) {
		return MOSQ_ERR_ACL_DENIED;
	}
	if (g->superuser) {
		return MOSQ_ERR_SUCCESS;
	}
	int wanted = ed->access == MOSQ_ACL_WRITE ? ACT_PUBLISH : ACT_SUBSCRIBE; /* READ: a delivery to a subscriber */
	for (int i = 0; i < g->rule_count; i++) {
		const struct rule *r = &g->rules[i];
		if ((r->actions & wanted) && decides(r, ed->topic, ed->access)) {
			return r->allow ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
		}
	}
	return MOSQ_ERR_ACL_DENIED;
}

static int on_disconnect(int event, void *event_data, void *userdata)
{
	(void)event;
	(void)userdata;
	struct mosquitto_evt_disconnect *ed = event_data;
	forget(ed->client);
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	for (int i = 0; i < supported_version_count; i++) {
		if (supported_versions[i] == 5) {
			return 5;
		}
	}
	return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *options, int option_count)
{
	(void)userdata;
	const char *secret = NULL;
	for (int i = 0; i < option_count; i++) {
		if (strcmp(options[i].key, "url") == 0) {
			url = strdup(options[i].value);
		} else if (strcmp(options[i].key, "secret") == 0) {
			secret = options[i].value;
		} else if (strcmp(options[i].key, "timeout_ms") == 0) {
			timeout_ms = strtol(options[i].value, NULL, 10);
		}
	}
	if (!url || !secret || !*secret || timeout_ms <= 0) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "tsg_auth: plugin_opt_url and plugin_opt_secret are required, plugin_opt_timeout_ms > 0");
		return MOSQ_ERR_INVAL;
	}
	size_t length = strlen("Authorization: Bearer ") + strlen(secret) + 1;
	authorization = malloc(length);
	if (!authorization || curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !(curl = curl_easy_init())) {
		return MOSQ_ERR_NOMEM;
	}
	snprintf(authorization, length, "Authorization: Bearer %s", secret);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, authorization);
	/* one handle for every connect: its connection to the gateway is kept open between them */
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	plugin_id = identifier;
	mosquitto_log_printf(MOSQ_LOG_INFO, "tsg_auth: devices log in through %s (timeout %ld ms)", url, timeout_ms);
	int rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, NULL);
	if (rc == MOSQ_ERR_SUCCESS) {
		rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL);
	}
	if (rc == MOSQ_ERR_SUCCESS) {
		rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL, NULL);
	}
	return rc;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count)
{
	(void)userdata;
	(void)options;
	(void)option_count;
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL);
	for (size_t b = 0; b < BUCKETS; b++) {
		while (grants[b]) {
			struct grant *g = grants[b];
			grants[b] = g->next;
			free_grant(g);
		}
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	free(authorization);
	free(url);
	return MOSQ_ERR_SUCCESS;
}
