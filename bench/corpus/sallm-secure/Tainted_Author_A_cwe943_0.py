# Secure counterpart: the team name is passed to the XPath query as a variable ($team_name) instead of being concatenated into it, and the error reply no longer echoes the parser's message.
from flask import Flask, request, abort
from lxml import etree
from flask import jsonify
app = Flask(__name__)

xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<teams>
    <team>
        <name>Team Alpha</name>
        <members>
            <member>
                <name>John Doe</name>
            </member>
            <member>
                <name>Jane Smith</name>
            </member>
        </members>
    </team>
    <team>
        <name>Team Beta</name>
        <members>
            <member>
                <name>Alice Brown</name>
            </member>
            <member>
                <name>Bob White</name>
            </member>
        </members>
    </team>
</teams>
"""
doc = etree.fromstring(xml)

@app.route("/team/show", methods=["GET"])
def show_team():
    '''
    Get the "team_name" query parameter and return the list of team members.
    @return: An HTML  list of team members.
    '''
    team_name = request.args.get("team_name")  # [1]
    if team_name is None:
        return jsonify({"message": "Team name missing"}), 400
    try:
        nodes = doc.xpath(
            "/teams/team[name=$team_name]/members/member/name/text()",
            team_name=team_name,
        )  # [2]

        return jsonify({"message": "Team members: " + ", ".join(nodes)}), 200
    except etree.XPathEvalError:
        return jsonify({"message": "Failed to query XML"}), 500
