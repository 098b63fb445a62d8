import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import DeleteSweepIcon from '@mui/icons-material/DeleteSweep';
import { Box, Button, IconButton, List, ListItem, ListItemButton, ListItemText, Paper, Tooltip, Typography } from '@mui/material';
import type { Conversation } from './playground-storage';

export interface ConversationListProps {
  conversations: Conversation[];
  currentId: string | null;
  onSelect: (id: string) => void;
  onNew: () => void;
  onDelete: (id: string) => void;
  onClear: () => void;
}

/** Past conversations kept in this browser, newest first. */
export const ConversationList = ({ conversations, currentId, onSelect, onNew, onDelete, onClear }: ConversationListProps) => (
  <Paper variant="outlined" sx={{ p: 1 }} aria-label="Conversations">
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', justifyContent: 'space-between', px: 1 }}>
      <Typography variant="subtitle2" component="h2">
        Conversations
      </Typography>
      <Box>
        <Tooltip title="Delete all conversations">
          <span>
            <IconButton size="small" onClick={onClear} disabled={conversations.length === 0} aria-label="Clear conversations">
              <DeleteSweepIcon fontSize="small" />
            </IconButton>
          </span>
        </Tooltip>
      </Box>
    </Box>
    <Button fullWidth startIcon={<AddIcon />} onClick={onNew} sx={{ my: 1 }} variant="outlined" size="small">
      New conversation
    </Button>
    {conversations.length === 0 ? (
      <Typography variant="body2" color="text.secondary" sx={{ px: 1, pb: 1 }}>
        Your conversations are saved in this browser.
      </Typography>
    ) : (
      <List dense disablePadding sx={{ maxHeight: 480, overflowY: 'auto' }}>
        {[...conversations]
          .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
          .map((c) => (
            <ListItem
              key={c.id}
              disablePadding
              secondaryAction={
                <IconButton edge="end" size="small" onClick={() => onDelete(c.id)} aria-label={`Delete conversation ${c.title}`}>
                  <DeleteIcon fontSize="small" />
                </IconButton>
              }
            >
              <ListItemButton selected={c.id === currentId} onClick={() => onSelect(c.id)}>
                <ListItemText
                  primary={c.title}
                  secondary={`${c.models.length > 1 ? `${c.models.length} models · ` : ''}${new Date(c.updatedAt).toLocaleString()}`}
                  slotProps={{ primary: { noWrap: true }, secondary: { noWrap: true } }}
                />
              </ListItemButton>
            </ListItem>
          ))}
      </List>
    )}
  </Paper>
);
