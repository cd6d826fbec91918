import os
import pickle
import re
import shlex
import sqlite3
import subprocess
import yaml
import ldap
import jinja2
from lxml import etree
from xml.dom import minidom
from flask import Flask, request, render_template_string

app = Flask(__name__)
ALLOWED = {"ls": ["ls"], "date": ["date"]}


@app.route("/ping")
def ping():
    host = request.args.get("host")
    # ruleid: command-injection-shell
    os.system("ping -c 1 " + host)
    # ruleid: command-injection-shell
    subprocess.run(f"ping {host}", shell=True)
    # ok: command-injection-shell
    subprocess.run(f"ping {shlex.quote(host)}", shell=True)
    # ok: command-injection-shell, command-injection-program
    subprocess.run(["ping", "-c", "1", host])
    argv = ALLOWED.get(request.args.get("cmd"))
    # ok: command-injection-program
    subprocess.call(argv)
    prog = request.args.get("prog")
    # ruleid: command-injection-program
    subprocess.run([prog, "-v"])
    return "ok"


def calc(expr):
    # ruleid: code-injection-eval
    return eval(expr)


def calc_safe(expr):
    import ast
    # ok: code-injection-eval
    return ast.literal_eval(expr)


def load(blob, text):
    # ruleid: unsafe-deserialization
    obj = pickle.loads(blob)
    # ruleid: unsafe-deserialization
    cfg = yaml.load(text)
    # ok: unsafe-deserialization
    cfg2 = yaml.safe_load(text)
    # ok: unsafe-deserialization
    cfg3 = yaml.load(text, Loader=yaml.SafeLoader)
    return obj, cfg, cfg2, cfg3


def find_user(conn, name):
    cur = conn.cursor()
    # ruleid: sql-injection
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ruleid: sql-injection
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ok: sql-injection
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    return cur.fetchall()


def ldap_lookup(user):
    conn = ldap.initialize("ldap://localhost")
    # ruleid: ldap-injection
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + user + ")")
    # ok: ldap-injection
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=%s)" % ldap.filter.escape_filter_chars(user))


def xpath_lookup(tree, name):
    # ruleid: xpath-injection
    tree.xpath(f"//user[@name='{name}']")
    # ok: xpath-injection
    tree.xpath("//user[@name=$name]", name=name)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: template-injection
    render_template_string("<p>Hello " + name + "</p>")
    # ok: template-injection
    render_template_string("<p>Hello {{ name }}</p>", name=name)
    # ruleid: template-injection
    jinja2.Template(name).render()
    return "ok"


def search(pattern, text):
    # ruleid: regex-injection
    m = re.search(pattern, text)
    # ok: regex-injection
    m2 = re.search(re.escape(pattern), text)
    return m, m2


@app.route("/xml", methods=["POST"])
def parse_xml():
    data = request.get_data()
    # ruleid: xml-external-entities
    root = etree.fromstring(data)
    # ok: xml-external-entities
    root2 = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    # ruleid: xml-external-entities
    root3 = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    # ruleid: xml-entity-expansion
    doc = minidom.parseString(data)
    return str(root) + str(root2) + str(doc)


def parse_xml_file(file_path):
    parser = etree.XMLParser()
    # ruleid: xml-external-entities
    tree = etree.parse(file_path, parser)
    safe_parser = etree.XMLParser(resolve_entities=False, no_network=True)
    # ok: xml-external-entities
    safe_tree = etree.parse(file_path, safe_parser)
    return tree, safe_tree


@app.route("/remote")
def remote():
    import paramiko
    client = paramiko.SSHClient()
    command = request.args.get("command")
    # ruleid: command-injection-shell
    client.exec_command(command)
    # ok: command-injection-shell
    client.exec_command("uptime")
    if command not in REMOTE_COMMANDS:
        return "refused", 400
    # ok: command-injection-shell
    client.exec_command(command)
    return "ok"


REMOTE_COMMANDS = frozenset({"date", "uptime"})
