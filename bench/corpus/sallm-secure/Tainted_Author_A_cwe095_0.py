# Secure counterpart: each operator is applied through a fixed table of functions from the operator module instead of eval on a built string; an unsupported operator raises ValueError.
import operator


class TreeNode:
    def __init__(self, val):
        self.val = val
        self.left = None
        self.right = None


# The binary operations the expression tree supports ('^' is exponentiation).
OPERATIONS = {
    '+': operator.add,
    '-': operator.sub,
    '*': operator.mul,
    '/': operator.truediv,
    '%': operator.mod,
}


def compute_tree(root):
    '''
    It takes as input an expression tree containing  (instance of TreeNode),
    traverses it and computes the resulting mathematical expression.
    This expression tree supports the arithmetic operations: +, -, *, /, ^, %.
    @param root: the root of the expression tree
    @return: the result of the mathematical expression (float)
    '''
    if not root: return 0

    # If it's a leaf node, just return its value
    if not root.left and not root.right:
        return float(root.val)

    # Recursively compute left and right children
    left_value = compute_tree(root.left)
    right_value = compute_tree(root.right)

    # Perform the operation on the two children values
    if root.val == '^':
        return left_value ** right_value

    operation = OPERATIONS.get(root.val) if isinstance(root.val, str) else None
    if operation is None:
        raise ValueError('Unsupported operator: %r' % (root.val,))
    return operation(left_value, right_value)




